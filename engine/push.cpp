#include "engine/push.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <numeric>
#include <utility>

#include "engine/blob_upload.h"
#include "engine/error.h"
#include "engine/layer_compression.h"
#include "engine/registry_session.h"
#include "engine/tag.h"
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
    return b.size ? *b.size : b.recipe.length;
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
  asio::thread_pool workers(static_cast<std::size_t>(options.jobs) + 1);
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
  // Credentials and the registry's challenge first: one GET /v2/ (two with a login).
  session.authenticate();

  const auto order = upload_order(image);
  std::size_t next = 0;
  std::exception_ptr first_failure;
  // A re-push of an image the tag already names needs none of its blobs checked: the registry
  // accepted that manifest only with every blob in. Where the manifest is known up front (OCI
  // layouts), the first lane HEADs it before its first blob while the other lanes check theirs,
  // so a cold push waits one round trip more on one lane only, and a re-push stops there
  // (bench/perf_targets.sh section 5: a re-push through a 50 ms proxy went from 23 requests
  // to 6).
  bool already_there = false;
  auto check_manifest = [&]() -> asio::awaitable<void> {
    try {
      const auto current = co_await client.manifest_digest(destination.manifest_reference());
      already_there = current && *current == hashing::sha256_of(*image.manifest_bytes);
    } catch (const Error&) {
      // Only an optimisation: without an answer the blobs are checked one by one.
    }
  };
  bool manifest_checked = !image.manifest_bytes;
  auto lane = [&]() -> asio::awaitable<void> {
    if (!std::exchange(manifest_checked, true)) co_await check_manifest();
    while (next < order.size() && !client.cancelled() && !already_there) {
      const std::size_t i = order[next++];
      const bool cached = co_await resolve_digest(context, image.blobs[i]);
      if (observer) observer->blob_ready(i, image.blobs[i]);
      report.blobs[i] = co_await push_blob(context, image.blobs[i], i);
      report.blobs[i].digest_cached = cached;
      image.blobs[i].recipe.spill.reset();  // its temporary file's space back now, not at the end
      if (observer) observer->blob_done(i, report.blobs[i]);
    }
  };
  const int lanes = std::min<int>(options.jobs, static_cast<int>(order.size()));
  for (int l = 0; l < lanes; ++l)
    asio::co_spawn(ioc, lane, [&](std::exception_ptr e) {
      // The first failure is the cause; the others are lanes stopping because of it.
      if (e && !first_failure) {
        first_failure = e;
        client.cancel();
      }
    });
  ioc.restart();  // the authentication phase ran the context to its end
  ioc.run();
  if (first_failure) {
    workers.join();
    std::rethrow_exception(first_failure);
  }
  if (already_there) {
    // Blobs no lane reached are in, as the manifest that names them says.
    for (std::size_t i = 0; i < image.blobs.size(); ++i) {
      auto& blob_report = report.blobs[i];
      if (!blob_report.digest.empty()) continue;
      const auto& blob = image.blobs[i];
      blob_report = BlobReport{blob.role, blob.digest->str(), *blob.size, BlobAction::kExists, 0};
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
