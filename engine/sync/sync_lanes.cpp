// Steps 3 and 4 of a sync: the transfer lanes take blob tasks (uploads, then the mounts that
// wait on them) under the per-host caps, and put each image's manifests once its blobs are in.
#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "engine/sync/sync_run.h"
#include "engine/transfer/blob_upload.h"
#include "engine/transfer/push_context.h"

namespace layerpush::engine {
namespace asio = boost::asio;

asio::awaitable<void> SyncRun::transfer_lane() {
  while (auto task = co_await next_task()) {
    co_await run_task(*task);
    for (const auto& host : hosts_of(*task)) --host_load_[host];
    --running_;
    wake_.cancel();  // a host slot came free, and maybe mounts became ready
  }
}

std::vector<std::string> SyncRun::hosts_of(std::size_t t) const {
  const auto& task = transfers_.tasks[t];
  const auto& blob = transfers_.blobs[task.blob];
  // An upload reads from the source while it writes to the destination; a mount only writes.
  if (task.upload && blob.source_host != blob.registry) return {blob.registry, blob.source_host};
  return {blob.registry};
}

asio::awaitable<std::optional<std::size_t>> SyncRun::next_task() {
  const int per_host = options_.jobs_per_host > 0 ? options_.jobs_per_host : options_.jobs;
  for (;;) {
    if (first_failure_) co_return std::nullopt;
    for (auto it = ready_.begin(); it != ready_.end(); ++it) {
      const auto hosts = hosts_of(*it);
      if (std::any_of(hosts.begin(), hosts.end(),
                      [&](const std::string& h) { return host_load_[h] >= per_host; }))
        continue;
      const std::size_t task = *it;
      ready_.erase(it);
      for (const auto& host : hosts) ++host_load_[host];
      ++running_;
      co_return task;
    }
    if (ready_.empty() && running_ == 0) co_return std::nullopt;
    boost::system::error_code woken;
    co_await wake_.async_wait(asio::redirect_error(asio::use_awaitable, woken));
  }
}

asio::awaitable<void> SyncRun::run_task(std::size_t t) {
  const auto& task = transfers_.tasks[t];
  auto& repository = repository_of(to_copy_[task.image_repository]);
  std::optional<Error> failure;
  if (blob_failure_[task.blob]) {
    failure = Error(ErrorKind::kCancelled, *blob_failure_[task.blob]);
  } else {
    try {
      blob_done(repository, co_await transfer(t, repository));
    } catch (const Error& e) {
      failure = e;
    } catch (const std::exception& e) {
      failure = Error(ErrorKind::kTransport, e.what());
    }
  }
  if (failure) {
    task_failed(t, *failure);
    co_return;
  }
  // Mounts of this blob go first: each is one quick request, and images wait for them.
  if (task.upload && !task.mounts.empty()) {
    for (auto m = task.mounts.rbegin(); m != task.mounts.rend(); ++m) ready_.push_front(*m);
    wake_.cancel();
  }
  for (const std::size_t k : task.images)
    if (--tasks_left_[k] == 0 && !image_ended_[to_copy_[k]]) co_await finish_image(to_copy_[k]);
}

asio::awaitable<BlobReport> SyncRun::transfer(std::size_t t, Repository& repository) {
  const auto& task = transfers_.tasks[t];
  const auto& scheduled = transfers_.blobs[task.blob];
  const ImageBlob& blob = *scheduled.blob;
  const std::string digest = blob.digest->str();
  if (state_ && state_->has_blob(repository.name, digest))
    co_return BlobReport{blob.role, digest, *blob.size, BlobAction::kExists, 0, 0};
  if (options_.dry_run) {
    const auto start = std::chrono::steady_clock::now();
    const bool exists = co_await repository.client->blob_exists(*blob.digest);
    const auto action =
        exists ? BlobAction::kExists : (task.upload ? BlobAction::kUploaded : BlobAction::kMounted);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    co_return BlobReport{blob.role, digest, *blob.size, action, seconds, 0};
  }
  const auto& destination = destinations_.at(repository.registry);
  PushContext context{ioc_.get_executor(),
                      workers_,
                      *repository.client,
                      destination.push,
                      backend_,
                      nullptr,
                      journal_,
                      std::nullopt,
                      nullptr};
  if (!task.upload) context.mount_from = scheduled.home;
  auto report = co_await push_blob(context, blob, 0);
  if (state_) state_->record_blob(repository.name, digest);
  co_return report;
}

asio::awaitable<void> SyncRun::finish_image(std::size_t i) {
  if (options_.dry_run) {
    image_done(i, ImageAction::kPlanned);
    co_return;
  }
  const auto& image = images_[i];
  auto& client = *repository_of(i).client;
  std::optional<Error> failure;
  try {
    // An index may only name manifests the registry has: its images go first, by digest.
    for (const auto& child : image.image->children) {
      const std::string by_digest = child.digest.str();
      co_await client.put_manifest(by_digest, child.bytes, child.media_type);
    }
    const std::string tag = *image.destination.tag;
    co_await client.put_manifest(tag, *image.image->manifest_bytes,
                                 image.image->manifest_media_type);
  } catch (const Error& e) {
    failure = e;
  }
  if (failure) {
    if (!options_.keep_going)
      stop(Error(failure->kind(), "copying " + image.source.str() + " to " +
                                      image.destination.str() + " failed: " + failure->what()));
    image_done(i, ImageAction::kFailed, failure->what());
    co_return;
  }
  if (state_) state_->record_image(image.destination.str(), image.digest);
  image_done(i, ImageAction::kCopied);
}

void SyncRun::task_failed(std::size_t t, const Error& error) {
  const auto& task = transfers_.tasks[t];
  const auto& blob = transfers_.blobs[task.blob];
  const std::string why = error.kind() == ErrorKind::kCancelled
                              ? std::string(error.what())
                              : "blob " + blob.blob->digest->str() + " (" + blob.blob->role +
                                    ") could not be copied: " + error.what();
  // Mounts of a blob that never arrived fail too, each for its own images.
  if (task.upload) {
    blob_failure_[task.blob] = why;
    for (const std::size_t m : task.mounts) ready_.push_front(m);
  }
  for (const std::size_t k : task.images) {
    const std::size_t i = to_copy_[k];
    if (image_ended_[i]) continue;
    if (!options_.keep_going && error.kind() != ErrorKind::kCancelled)
      stop(Error(error.kind(), "copying " + images_[i].source.str() + " to " +
                                   images_[i].destination.str() + " failed: " + why));
    image_done(i, ImageAction::kFailed, why);
  }
}

}  // namespace layerpush::engine
