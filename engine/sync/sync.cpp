#include "engine/sync/sync.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <set>

#include "engine/transfer/blob_upload.h"
#include "engine/http/connection_pool.h"
#include "engine/transfer/push_context.h"
#include "engine/registry/registry_client.h"
#include "engine/sync/sync_plan.h"
#include "engine/sync/sync_state.h"
#include "engine/sync/sync_transfers.h"
#include "engine/registry/tag.h"
#include "engine/transfer/upload_journal.h"
#include "engine/transfer/worker_pool.h"

namespace layerpush::engine {
namespace asio = boost::asio;

namespace {
// One destination registry host: how to reach it, and the connections of every repository there.
struct Destination {
  PushOptions push;  // its RegistryOptions part from the config, the rest from the run
  std::optional<Credentials> credentials;
  std::unique_ptr<ConnectionPool> pool;
};

// One destination repository, with its own client (tokens are per repository).
struct Repository {
  std::string registry;
  std::string name;  // "host/path"
  std::unique_ptr<RegistryClient> client;
  std::set<std::string> mount_sources;  // repositories of the same registry it mounts from
};

class SyncRun {
 public:
  SyncRun(const SyncConfig& config, const SyncOptions& options, SyncObserver* observer)
      : config_(config),
        options_(options),
        observer_(observer),
        start_(std::chrono::steady_clock::now()),
        backend_(io::choose_backend(options.io_backend, &backend_notice_)),
        workers_(static_cast<std::size_t>(std::max(1, options.jobs)) + 1),
        journal_(options.upload_state ? *options.upload_state : UploadJournal::default_folder()),
        wake_(ioc_, asio::steady_timer::time_point::max()) {}

  ~SyncRun() { workers_.join(); }

  SyncSummary run();

 private:
  // Phases.
  void open_checkpoint();
  void connect_destinations();
  asio::awaitable<void> authenticate(std::size_t repository);
  asio::awaitable<void> check_destination(std::size_t image);
  void plan_and_authorize_mounts();
  asio::awaitable<void> authorize_mounts(std::size_t repository);
  asio::awaitable<void> transfer_lane();

  // Transfers.
  asio::awaitable<std::optional<std::size_t>> next_task();
  std::vector<std::string> hosts_of(std::size_t task) const;
  asio::awaitable<void> run_task(std::size_t task);
  asio::awaitable<BlobReport> transfer(std::size_t task, Repository& repository);
  asio::awaitable<void> finish_image(std::size_t image);
  void task_failed(std::size_t task, const Error& error);

  // Reports.
  void image_done(std::size_t image, ImageAction action, const std::string& error = "");
  void blob_done(const Repository& repository, const BlobReport& blob);
  void stop(const Error& error);

  // Runs `count` calls of `work` (a member coroutine taking an index), `lanes` at a time, on
  // the network thread, to the end; rethrows the first failure.
  template <class Work>
  void run_parallel(std::size_t count, int lanes, Work work);

  Repository& repository_of(std::size_t image) { return repositories_[repository_index_[image]]; }
  const PlannedImage& planned(std::size_t image) const { return images_[image]; }

  const SyncConfig& config_;
  const SyncOptions& options_;
  SyncObserver* observer_;
  std::chrono::steady_clock::time_point start_;
  std::string backend_notice_;
  io::Backend backend_;
  asio::io_context ioc_{1};
  WorkerPool workers_;
  UploadJournal journal_;
  std::unique_ptr<SyncState> state_;
  SyncSummary summary_;

  std::vector<PlannedImage> images_;
  std::vector<bool> image_ended_;
  std::map<std::string, Destination> destinations_;
  std::vector<Repository> repositories_;
  std::vector<std::size_t> repository_index_;  // by image

  // Images whose destination lacks them, in plan order, and their transfers.
  std::vector<std::size_t> to_copy_;
  std::vector<ImageToCopy> copies_;
  TransferPlan transfers_;
  std::vector<std::size_t> tasks_left_;  // by position in to_copy_
  std::vector<std::optional<std::string>> blob_failure_;  // by transfer blob: why its upload failed

  // The transfer lanes' queue: tasks ready to start, and how busy each host is.
  std::deque<std::size_t> ready_;
  std::size_t running_ = 0;
  std::map<std::string, int> host_load_;
  asio::steady_timer wake_;  // cancelled whenever a task ends: waiting lanes look again
  std::vector<std::size_t> mount_order_;  // repositories whose tokens must also pull elsewhere
  std::optional<Error> first_failure_;
};

template <class Work>
void SyncRun::run_parallel(std::size_t count, int lanes, Work work) {
  std::size_t next = 0;
  std::exception_ptr failure;
  auto lane = [&]() -> asio::awaitable<void> {
    while (next < count && !failure && !first_failure_) co_await (this->*work)(next++);
  };
  const std::size_t wanted = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, lanes)));
  for (std::size_t l = 0; l < wanted; ++l)
    asio::co_spawn(ioc_, lane, [&](std::exception_ptr e) {
      if (e && !failure) failure = e;
    });
  ioc_.restart();
  ioc_.run();
  if (failure) std::rethrow_exception(failure);
}

SyncSummary SyncRun::run() {
  if (options_.jobs < 1) throw Error(ErrorKind::kUsage, "--jobs must be at least 1");
  if (options_.jobs_per_host < 0) throw Error(ErrorKind::kUsage, "--jobs-per-host must be at least 0");
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
  summary_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (state_) {
    if (summary_.ok()) state_->remove();
    else summary_.state_file = state_->path().string();
  }
  return summary_;
}

void SyncRun::open_checkpoint() {
  // A dry run writes nothing, not even a checkpoint.
  if (options_.dry_run) return;
  std::filesystem::path path;
  if (options_.state_file) path = *options_.state_file;
  else if (!options_.config_path.empty())
    path = SyncState::default_path(options_.config_path, options_.shard);
  if (path.empty()) return;
  state_ = std::make_unique<SyncState>(path, SyncState::run_key(options_.config_path, options_.shard));
  if (state_->recorded() > 0 && observer_)
    observer_->notice("resuming an interrupted sync: " + std::to_string(state_->recorded()) +
                      " blobs and images are done already (checkpoint " + path.string() + ")");
}

void SyncRun::connect_destinations() {
  std::map<std::string, std::size_t> by_name;
  repository_index_.assign(images_.size(), 0);
  for (std::size_t i = 0; i < images_.size(); ++i) {
    const auto& image = images_[i];
    if (image.failure) continue;
    const std::string& host = image.destination.registry;
    auto destination = destinations_.find(host);
    if (destination == destinations_.end()) {
      Destination made;
      static_cast<RegistryOptions&>(made.push) = registry_options(config_, host, options_);
      made.push.jobs = options_.jobs;
      made.push.chunk_size = options_.chunk_size;
      made.push.max_request_size = options_.max_request_size;
      made.push.io_backend = backend_;
      made.push.upload_state = options_.upload_state;
      made.credentials = load_credentials(host, made.push.authfile);
      made.pool = std::make_unique<ConnectionPool>(made.push.tls, made.push.timeouts);
      destination = destinations_.emplace(host, std::move(made)).first;
    }
    const std::string name = host + "/" + image.destination.repository;
    auto [found, fresh] = by_name.emplace(name, repositories_.size());
    if (fresh) {
      Repository repository{host, name, nullptr, {}};
      repository.client = std::make_unique<RegistryClient>(
          registry_base(image.destination.api_host(), destination->second.push.plain_http),
          image.destination.repository, *destination->second.pool, options_.retry);
      repositories_.push_back(std::move(repository));
    }
    repository_index_[i] = found->second;
  }
}

asio::awaitable<void> SyncRun::authenticate(std::size_t repository) {
  auto& target = repositories_[repository];
  co_await target.client->authenticate(destinations_.at(target.registry).credentials);
}

asio::awaitable<void> SyncRun::check_destination(std::size_t i) {
  const auto& image = images_[i];
  if (image.failure) co_return;
  const std::string destination = image.destination.str();
  if (state_ && state_->image(destination) == image.digest) {
    image_done(i, ImageAction::kSkipped);
    co_return;
  }
  auto& client = *repository_of(i).client;
  const std::string tag = *image.destination.tag;
  std::optional<Error> failure;
  try {
    const auto current = co_await client.manifest_digest(tag);
    if (current && current->str() == image.digest) {
      image_done(i, ImageAction::kSkipped);
      co_return;
    }
    if (current && options_.no_clobber) {
      image_done(i, ImageAction::kRefused,
                 tag_points_elsewhere(client.where(), tag, *current) + "; --no-clobber leaves it");
      co_return;
    }
    to_copy_.push_back(i);
  } catch (const Error& e) {
    failure = e;
  }
  if (failure) {
    if (!options_.keep_going) throw *failure;
    image_done(i, ImageAction::kFailed, failure->what());
  }
}

void SyncRun::plan_and_authorize_mounts() {
  copies_.clear();
  for (const std::size_t i : to_copy_) {
    const auto& image = images_[i];
    copies_.push_back({&*image.image, image.destination.registry, image.destination.repository,
                       image.source.registry});
  }
  transfers_ = plan_transfers(copies_);
  tasks_left_ = transfers_.tasks_per_image;
  blob_failure_.assign(transfers_.blobs.size(), std::nullopt);
  std::set<std::size_t> widened;
  for (const auto& task : transfers_.tasks) {
    if (task.upload) continue;
    auto& repository = repository_of(to_copy_[task.image_repository]);
    if (repository.mount_sources.insert(transfers_.blobs[task.blob].home).second)
      widened.insert(repository_index_[to_copy_[task.image_repository]]);
  }
  // A token must also grant pull on each repository mounted from: one more token per
  // repository that mounts (none for Basic or anonymous registries).
  if (options_.dry_run || widened.empty()) return;
  std::vector<std::size_t> order(widened.begin(), widened.end());
  for (const std::size_t r : order)
    for (const auto& from : repositories_[r].mount_sources) repositories_[r].client->add_pull_scope(from);
  mount_order_ = order;
  run_parallel(order.size(), options_.jobs, &SyncRun::authorize_mounts);
}

asio::awaitable<void> SyncRun::authorize_mounts(std::size_t k) {
  co_await repositories_[mount_order_[k]].client->renew_authorization();
}

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
    const auto action = exists ? BlobAction::kExists
                               : (task.upload ? BlobAction::kUploaded : BlobAction::kMounted);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
    co_await client.put_manifest(tag, *image.image->manifest_bytes, image.image->manifest_media_type);
  } catch (const Error& e) {
    failure = e;
  }
  if (failure) {
    if (!options_.keep_going) stop(Error(failure->kind(), "copying " + image.source.str() + " to " +
                                                               image.destination.str() +
                                                               " failed: " + failure->what()));
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

void SyncRun::image_done(std::size_t i, ImageAction action, const std::string& error) {
  image_ended_[i] = true;
  switch (action) {
    case ImageAction::kCopied: ++summary_.copied; break;
    case ImageAction::kSkipped: ++summary_.skipped; break;
    case ImageAction::kPlanned: ++summary_.planned; break;
    case ImageAction::kRefused: ++summary_.refused; break;
    case ImageAction::kFailed: ++summary_.failed; break;
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
    case BlobAction::kMounted: ++summary_.blobs_mounted; break;
    case BlobAction::kExists: ++summary_.blobs_existing; break;
  }
  if (observer_) observer_->blob_done({repository.name, blob, options_.dry_run});
}

void SyncRun::stop(const Error& error) {
  if (first_failure_) return;
  first_failure_ = error;
  for (auto& repository : repositories_) repository.client->cancel();
  wake_.cancel();
}

}  // namespace

SyncSummary sync_images(const SyncConfig& config, const SyncOptions& options,
                        SyncObserver* observer) {
  SyncRun run(config, options, observer);
  return run.run();
}

}  // namespace layerpush::engine
