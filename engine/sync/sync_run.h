// The state and steps of one `layerpush sync` run (engine/sync/sync.h has the steps in order),
// shared by the files that carry them out: sync.cpp (the run, its checkpoint and its reports),
// sync_destinations.cpp (step 2, and the mounts' tokens of step 3) and sync_lanes.cpp (steps 3
// and 4, the transfer lanes). Internal to engine/sync. Lives on the run's network thread; the
// worker pool only produces blobs.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/http/connection_pool.h"
#include "engine/registry/registry_client.h"
#include "engine/sync/sync.h"
#include "engine/sync/sync_plan.h"
#include "engine/sync/sync_state.h"
#include "engine/sync/sync_transfers.h"
#include "engine/transfer/push.h"
#include "engine/transfer/upload_journal.h"
#include "engine/transfer/worker_pool.h"

namespace layerpush::engine {

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
  std::vector<std::size_t> tasks_left_;                   // by position in to_copy_
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
  const std::size_t wanted =
      std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, lanes)));
  for (std::size_t l = 0; l < wanted; ++l)
    asio::co_spawn(ioc_, lane, [&](std::exception_ptr e) {
      if (e && !failure) failure = e;
    });
  ioc_.restart();
  ioc_.run();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace layerpush::engine
