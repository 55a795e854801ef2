#include "engine/transfer/push.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <chrono>
#include <numeric>
#include <utility>

#include "engine/image/layer_compression.h"
#include "engine/registry/registry_session.h"
#include "engine/registry/tag.h"
#include "engine/transfer/blob_upload.h"
#include "engine/transfer/push_presence.h"
#include "engine/transfer/worker_pool.h"
#include "engine/util/error.h"
#include "hashing/sha256.h"

namespace layerpush::engine {
namespace asio = boost::asio;

namespace {
// Largest first: the big blobs bound the push's length, so they start while every lane is free.
std::vector<std::size_t> upload_order(const Image& image) {
  std::vector<std::size_t> order(image.blobs.size());
  std::iota(order.begin(), order.end(), 0);
  auto weight = [&](std::size_t i) {
    const auto& b = image.blobs[i];
    return b.size ? *b.size : b.recipe.stored_length();
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return weight(a) > weight(b); });
  return order;
}

// A destination that names a digest must name this manifest's; refused as bad usage.
void check_destination_digest(const Reference& destination, const std::string& manifest) {
  if (!destination.digest) return;
  const auto digest = hashing::sha256_of(manifest);
  if (*destination.digest != digest)
    throw Error(ErrorKind::kUsage, "destination names digest " + destination.digest->str() +
                                       " but the image's manifest is " + digest.str());
}
}  // namespace

PushReport push_image(Image image, const Reference& destination, const PushOptions& options,
                      PushObserver* observer) {
  if (options.jobs < 1) throw Error(ErrorKind::kUsage, "--jobs must be at least 1");
  const auto start = std::chrono::steady_clock::now();
  apply_compression(image, options.compression);
  // Known up front for OCI layouts: a wrong digest is refused before any traffic.
  if (image.manifest_bytes) check_destination_digest(destination, *image.manifest_bytes);
  std::string notice;
  const io::Backend backend = io::choose_backend(options.io_backend, &notice);
  if (!notice.empty() && observer) observer->notice(notice);

  RegistrySession session(destination, options);
  auto& ioc = session.io();
  auto& client = session.client();
  // One worker per lane, plus one so a producer still winding down after a failure never holds
  // up the next blob's.
  WorkerPool workers(static_cast<std::size_t>(options.jobs) + 1);
  const UploadJournal journal(options.upload_state ? *options.upload_state
                                                   : UploadJournal::default_folder());
  // Loaded only when some layer's digest is not known up front (a docker-archive's).
  std::optional<DigestCache> digest_cache;
  if (std::any_of(image.blobs.begin(), image.blobs.end(), [](const auto& b) { return !b.digest; }))
    digest_cache.emplace(options.digest_cache ? *options.digest_cache
                                              : DigestCache::default_file());
  PushContext context{ioc.get_executor(),
                      workers,
                      client,
                      options,
                      backend,
                      observer,
                      journal,
                      options.mount_from,
                      digest_cache ? &*digest_cache : nullptr};

  PushReport report;
  report.reference = destination.str();
  report.io_backend = std::string(io::backend_name(backend));
  report.blobs.resize(image.blobs.size());

  if (options.mount_from) client.add_pull_scope(*options.mount_from);

  // Digests the cache remembers are known now, so those blobs join the first look below; once
  // every digest is known, a docker-archive's manifest is too.
  std::vector<Recalled> recalled(image.blobs.size());
  for (std::size_t i = 0; i < image.blobs.size(); ++i)
    recalled[i] = recall_digest(context, image.blobs[i]);
  const bool all_known = std::all_of(image.blobs.begin(), image.blobs.end(),
                                     [](const auto& b) { return b.digest.has_value(); });
  if (!image.manifest_bytes && all_known) {
    image.manifest_bytes = build_docker_manifest(image);
    check_destination_digest(destination, *image.manifest_bytes);
  }
  const auto order = upload_order(image);
  const std::size_t lanes =
      std::min<std::size_t>(static_cast<std::size_t>(options.jobs), order.size());
  // Each lane's first blob: its session is asked for in the first look, unless a mount from
  // elsewhere or an earlier run's session is to be tried first.
  std::vector<std::size_t> open_first;
  for (std::size_t k = 0; k < lanes; ++k) {
    const auto& blob = image.blobs[order[k]];
    if (blob.digest && !context.mount_from && !journal.find(client.where(), *blob.digest))
      open_first.push_back(order[k]);
  }
  // Credentials, and what the registry holds already, in one round trip where it wants no login
  // (README, target 5). The lanes send no HEAD for a blob it answered, and a re-push of the
  // image the tag names stops here.
  PushPresence first_look =
      authenticate_and_look(session, image, destination, options.jobs, open_first);
  const KnownPresence& presence = first_look.known;
  const bool already_there = first_look.already_there;
  context.presence = &presence;

  // The lanes' first blobs are order[0, lanes), one each; a lane's later ones come from the
  // rest, reserved a round ahead.
  std::size_t next_first = 0;
  std::size_t next = lanes;
  std::exception_ptr first_failure;
  // The blob a lane takes next gets its upload session opened behind the PUT of the one before
  // (SessionAhead), when it is known to be missing and has no earlier session to resume.
  auto ahead_of_time = [&](std::size_t i) {
    const auto& blob = image.blobs[i];
    return presence.blobs[i] == false && !context.mount_from &&
           !journal.find(client.where(), *blob.digest);
  };
  auto lane = [&]() -> asio::awaitable<void> {
    LaneSessions sessions;
    std::optional<std::size_t> reserved;  // taken from the queue for this lane's next round
    while ((reserved || next_first < lanes || next < order.size()) && !client.cancelled()) {
      const std::size_t i = reserved             ? *std::exchange(reserved, std::nullopt)
                            : next_first < lanes ? order[next_first++]
                                                 : order[next++];
      co_await resolve_digest(context, image.blobs[i], recalled[i]);
      if (observer) observer->blob_ready(i, image.blobs[i]);
      if (auto opened = std::exchange(first_look.sessions[i], std::nullopt))
        sessions.for_this = std::move(opened);
      sessions.for_next = {};
      if (next < order.size() && ahead_of_time(order[next])) {
        reserved = order[next++];
        sessions.for_next.wanted = true;
      }
      report.blobs[i] = co_await push_blob(context, image.blobs[i], i, &sessions);
      sessions.for_this = std::move(sessions.for_next.opened);
      report.blobs[i].digest_cached = recalled[i].hit;
      // Done with its source: a spill file's space comes back now, not at the end.
      image.blobs[i].recipe.source.reset();
      if (observer) observer->blob_done(i, report.blobs[i]);
    }
  };
  for (std::size_t l = 0; l < (already_there ? 0 : lanes); ++l)
    asio::co_spawn(ioc, lane, [&](std::exception_ptr e) {
      // The first failure is the cause; the others are lanes stopping because of it.
      if (e && !first_failure) {
        first_failure = e;
        client.cancel();
      }
    });
  ioc.restart();  // the first look ran the context to its end
  ioc.run();
  if (first_failure) {
    workers.join();
    std::rethrow_exception(first_failure);
  }
  if (already_there) {
    // Every blob is in, as the manifest that names them says.
    for (std::size_t i = 0; i < image.blobs.size(); ++i) {
      auto& blob_report = report.blobs[i];
      const auto& blob = image.blobs[i];
      blob_report = BlobReport{blob.role, blob.digest->str(), *blob.size, BlobAction::kExists, 0};
      blob_report.digest_cached = recalled[i].hit;
      if (observer) observer->blob_done(i, blob_report);
    }
  }

  if (!image.manifest_bytes) {
    image.manifest_bytes = build_docker_manifest(image);
    check_destination_digest(destination, *image.manifest_bytes);
  }
  const auto manifest_digest = hashing::sha256_of(*image.manifest_bytes);
  session.run([&]() -> asio::awaitable<void> {
    if (already_there) co_return;  // the tag names this manifest: putting it again changes nothing
    const std::string reference = destination.manifest_reference();
    // A digest names one manifest for ever: only a tag can point elsewhere.
    if (options.no_clobber && !destination.digest) {
      const auto current = co_await client.manifest_digest(reference);
      if (current && *current != manifest_digest)
        throw Error(ErrorKind::kTagTaken,
                    tag_points_elsewhere(client.where(), reference, *current) +
                        "; --no-clobber leaves it");
      if (current) co_return;  // already this manifest: putting it again would change nothing
    }
    // An index may only name manifests the registry has: its images go first, by digest.
    for (const auto& child : image.children) {
      const std::string by_digest = child.digest.str();
      co_await client.put_manifest(by_digest, child.bytes, child.media_type);
    }
    co_await client.put_manifest(reference, *image.manifest_bytes, image.manifest_media_type);
  });
  workers.join();

  report.manifest_digest = manifest_digest.str();
  report.manifest_size = image.manifest_bytes->size();
  for (const auto& b : report.blobs)
    if (b.action == BlobAction::kUploaded) report.bytes_uploaded += b.size;
  report.requests = client.requests_sent();
  report.retries = client.retries();
  report.connections = session.pool().connections_opened();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace layerpush::engine
