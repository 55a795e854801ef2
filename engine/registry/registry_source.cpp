#include "engine/registry/registry_source.h"

#include <memory>
#include <nlohmann/json.hpp>

#include "engine/image/manifest_walk.h"
#include "engine/registry/registry_session.h"
#include "engine/registry/remote_blob_source.h"
#include "engine/util/error.h"
#include "engine/util/json_fields.h"

namespace layerpush::engine {
namespace {
using nlohmann::json;

json parse_manifest(const RegistryClient::Manifest& manifest, const std::string& where) {
  auto doc = json::parse(manifest.bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    throw Error(ErrorKind::kInput, "manifest " + manifest.digest.str() + " of " + where +
                                       " is not a JSON object");
  return doc;
}

// Blobs read with GET from the source repository, with the session's Authorization as it is
// once authenticated, renewed by the downloads when it runs out, and the source's retries.
BlobMaker remote_blobs(const RegistryClient& client, const Reference& source,
                       const RegistryOptions& options) {
  auto tls = std::make_shared<SharedTlsContext>(options.tls);
  auto authorizer = SourceAuthorizer::for_registry(client.authorization(), source, options);
  return [&client, &options, tls, authorizer](const json& d, std::string role) {
    ImageBlob blob;
    const auto digest = descriptor_digest(d, role);
    if (!d.contains("size") || !d["size"].is_number_unsigned())
      throw Error(ErrorKind::kInput, role + " descriptor has no size");
    blob.role = std::move(role);
    blob.media_type = string_at(d, "mediaType");
    blob.digest = digest;
    blob.size = d["size"].get<std::uint64_t>();
    blob.recipe.source = std::make_shared<const RemoteBlobSource>(
        RemoteBlob{client.blob_url(digest), authorizer, tls, options.timeouts, options.retry,
                   client.where()},
        *blob.size);
    return blob;
  };
}

bool wanted(const json& descriptor, const std::vector<Platform>& platforms) {
  if (platforms.empty()) return true;
  if (!descriptor.contains("platform") || !descriptor["platform"].is_object()) return false;
  const json& p = descriptor["platform"];
  const Platform candidate{string_at(p, "os"), string_at(p, "architecture"), string_at(p, "variant")};
  for (const auto& filter : platforms)
    if (platform_matches(filter, candidate)) return true;
  return false;
}

// The index with only the children at `kept`, every other field and the order as they were.
std::string filtered_index(const std::string& bytes, const std::vector<std::size_t>& kept) {
  auto doc = nlohmann::ordered_json::parse(bytes);
  auto list = nlohmann::ordered_json::array();
  for (const std::size_t i : kept) list.push_back(doc["manifests"][i]);
  doc["manifests"] = std::move(list);
  return doc.dump();
}

std::string platform_list(const json& manifests) {
  std::string names;
  for (const auto& d : manifests) names += (names.empty() ? "" : ", ") + platform_of(d);
  return names.empty() ? "none" : names;
}
}  // namespace

Image load_registry_image(const Reference& source, const RegistryOptions& options,
                          const std::vector<Platform>& platforms) {
  RegistrySession session(source, options);
  session.authenticate();
  auto& client = session.client();
  const BlobMaker make_blob = remote_blobs(client, source, options);
  Image image;
  image.source = "docker://" + source.str();
  image.source_tag = source.tag;
  session.run([&]() -> asio::awaitable<void> {
    const std::string reference = source.manifest_reference();
    auto top = co_await client.get_manifest(reference);
    const json doc = parse_manifest(top, client.where());
    image.manifest_media_type = top.media_type;
    if (!is_index_type(top.media_type)) {
      add_manifest_blobs(image, doc, top.digest, "", make_blob);
      image.manifest_bytes = std::move(top.bytes);
      co_return;
    }
    const json manifests = array_at(doc, "manifests");
    std::vector<std::size_t> kept;
    for (std::size_t i = 0; i < manifests.size(); ++i) {
      const json& d = manifests[i];
      if (!wanted(d, platforms)) continue;
      kept.push_back(i);
      const auto digest = descriptor_digest(d, "index " + top.digest.str());
      const std::string by_digest = digest.str();
      auto child = co_await client.get_manifest(by_digest);
      const json child_doc = parse_manifest(child, client.where());
      const std::string media_type = manifest_type_of(d, child_doc);
      if (is_index_type(media_type))
        throw Error(ErrorKind::kInput, "index " + top.digest.str() + " nests another index (" +
                                           by_digest + "); nested indexes are not supported");
      const std::string platform = platform_of(d);
      add_manifest_blobs(image, child_doc, digest,
                         child_role_prefix(platform, digest), make_blob);
      image.children.push_back({digest, media_type, std::move(child.bytes), platform});
    }
    if (kept.empty())
      throw Error(ErrorKind::kInput, client.where() + " " + reference +
                                         " lists no image for the platforms asked for (it has: " +
                                         platform_list(manifests) + ")");
    // Only a subset needs a new index; the whole one is kept byte for byte.
    image.manifest_bytes = kept.size() == manifests.size() ? std::move(top.bytes)
                                                           : filtered_index(top.bytes, kept);
  });
  return image;
}

}  // namespace layerpush::engine
