#include "engine/sync/sync.h"

#include <algorithm>
#include <chrono>

#include "engine/sync/sync_run.h"

namespace layerpush::engine {
namespace asio = boost::asio;

SyncSummary SyncRun::run() {
  if (options_.jobs < 1) throw Error(ErrorKind::kUsage, "--jobs must be at least 1");
  if (options_.jobs_per_host < 0)
    throw Error(ErrorKind::kUsage, "--jobs-per-host must be at least 0");
  if (!backend_notice_.empty() && observer_) observer_->notice(backend_notice_);

  // 1. Plan: which images, read from their sources. Nothing is written before this is done.
  images_ = plan_images(config_, options_);
  read_sources(images_, config_, options_);
  summary_.images = images_.size();
  image_ended_.assign(images_.size(), false);
  for (std::size_t i = 0; i < images_.size(); ++i) {
    if (!images_[i].failure) continue;
    if (!options_.keep_going) throw *images_[i].failure;
    image_done(i, ImageAction::kFailed, images_[i].failure->what());
  }
  open_checkpoint();

  // 2. Skip unchanged: one HEAD per destination tag.
  connect_destinations();
  run_parallel(repositories_.size(), options_.jobs, &SyncRun::authenticate);
  run_parallel(images_.size(), options_.jobs, &SyncRun::check_destination);
  std::sort(to_copy_.begin(), to_copy_.end());

  // 3 and 4. Blobs once per registry, largest first; an image's manifests once its blobs are in.
  plan_and_authorize_mounts();
  ready_.assign(transfers_.uploads.begin(), transfers_.uploads.end());
  const int lanes = options_.jobs;
  for (int l = 0; l < lanes; ++l)
    asio::co_spawn(ioc_, transfer_lane(), [this](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const Error& error) {
        stop(error);
      } catch (const std::exception& error) {
        stop(Error(ErrorKind::kTransport, error.what()));
      }
    });
  ioc_.restart();
  ioc_.run();
  if (first_failure_) throw *first_failure_;

  for (const auto& repository : repositories_) {
    summary_.requests += repository.client->requests_sent();
    summary_.retries += repository.client->retries();
  }
  summary_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (state_) {
    if (summary_.ok())
      state_->remove();
    else
      summary_.state_file = state_->path().string();
  }
  return summary_;
}

void SyncRun::open_checkpoint() {
  // A dry run writes nothing, not even a checkpoint.
  if (options_.dry_run) return;
  std::filesystem::path path;
  if (options_.state_file)
    path = *options_.state_file;
  else if (!options_.config_path.empty())
    path = SyncState::default_path(options_.config_path, options_.shard);
  if (path.empty()) return;
  state_ =
      std::make_unique<SyncState>(path, SyncState::run_key(options_.config_path, options_.shard));
  if (state_->recorded() > 0 && observer_)
    observer_->notice("resuming an interrupted sync: " + std::to_string(state_->recorded()) +
                      " blobs and images are done already (checkpoint " + path.string() + ")");
}

void SyncRun::image_done(std::size_t i, ImageAction action, const std::string& error) {
  image_ended_[i] = true;
  switch (action) {
    case ImageAction::kCopied:
      ++summary_.copied;
      break;
    case ImageAction::kSkipped:
      ++summary_.skipped;
      break;
    case ImageAction::kPlanned:
      ++summary_.planned;
      break;
    case ImageAction::kRefused:
      ++summary_.refused;
      break;
    case ImageAction::kFailed:
      ++summary_.failed;
      break;
  }
  if (!observer_) return;
  const auto& image = images_[i];
  SyncImageReport report;
  report.source = image.source.str();
  report.destination = image.destination.repository.empty() ? "" : image.destination.str();
  report.digest = image.digest;
  report.action = action;
  report.error = error;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  observer_->image_done(report);
}

void SyncRun::blob_done(const Repository& repository, const BlobReport& blob) {
  switch (blob.action) {
    case BlobAction::kUploaded:
      ++summary_.blobs_uploaded;
      summary_.bytes_uploaded += blob.size;
      break;
    case BlobAction::kMounted:
      ++summary_.blobs_mounted;
      break;
    case BlobAction::kExists:
      ++summary_.blobs_existing;
      break;
  }
  if (observer_) observer_->blob_done({repository.name, blob, options_.dry_run});
}

void SyncRun::stop(const Error& error) {
  if (first_failure_) return;
  first_failure_ = error;
  for (auto& repository : repositories_) repository.client->cancel();
  wake_.cancel();
}

SyncSummary sync_images(const SyncConfig& config, const SyncOptions& options,
                        SyncObserver* observer) {
  SyncRun run(config, options, observer);
  return run.run();
}

}  // namespace layerpush::engine
