// The worker threads of a push or sync (reading, hashing and compressing blobs), started on
// first use: a re-push that finds every blob in the registry gives them nothing to do, and
// starting and joining jobs+1 idle threads was a tenth of its CPU.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <mutex>
#include <optional>

namespace layerpush::engine {

class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads) : threads_(threads) {}
  ~WorkerPool() { join(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // The pool, its threads started by the first call.
  boost::asio::thread_pool& get() {
    std::call_once(started_, [this] { pool_.emplace(threads_); });
    return *pool_;
  }
  // Waits for the work given so far to end; nothing is given after. A pool never started has none.
  void join() {
    if (pool_) pool_->join();
  }

 private:
  std::size_t threads_;
  std::once_flag started_;
  std::optional<boost::asio::thread_pool> pool_;
};

}  // namespace layerpush::engine
