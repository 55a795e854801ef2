#include "engine/registry/tag.h"

#include <chrono>

#include "engine/registry/registry_session.h"
#include "engine/util/error.h"

namespace layerpush::engine {

std::string tag_points_elsewhere(const std::string& where, const std::string& tag,
                                 const hashing::Digest& current) {
  return "tag " + tag + " on " + where + " already points at " + current.str();
}

TagReport tag_image(const Reference& source, const std::string& new_tag,
                    const TagOptions& options) {
  try {
    check_tag(new_tag);
  } catch (const ReferenceError& e) {
    throw Error(ErrorKind::kUsage, "new tag \"" + new_tag + "\" is invalid: " + e.what());
  }
  const auto start = std::chrono::steady_clock::now();
  RegistrySession session(source, options);
  session.authenticate();
  auto& client = session.client();
  TagReport report;
  report.source = source.str();
  report.reference = source.registry + "/" + source.repository + ":" + new_tag;
  session.run([&]() -> asio::awaitable<void> {
    const std::string reference = source.manifest_reference();
    auto manifest = co_await client.get_manifest(reference);
    report.manifest_digest = manifest.digest.str();
    report.manifest_size = manifest.bytes.size();
    report.media_type = manifest.media_type;
    // Asked after the read, so the answer is as fresh as it can be when the PUT goes out.
    const auto current = co_await client.manifest_digest(new_tag);
    if (current && *current == manifest.digest) {
      report.action = TagAction::kUnchanged;
      co_return;
    }
    if (current && !options.force)
      throw Error(ErrorKind::kTagTaken, tag_points_elsewhere(client.where(), new_tag, *current) +
                                            "; tag adds, never moves: pass --force to move it");
    if (current) {
      report.action = TagAction::kMoved;
      report.previous_digest = current->str();
    }
    co_await client.put_manifest(new_tag, manifest.bytes, manifest.media_type);
  });
  report.requests = client.requests_sent();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace layerpush::engine
