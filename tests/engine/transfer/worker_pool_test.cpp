// WorkerPool: no threads until the first get(), then the number asked for, running what is
// posted; join() waits for that work, and a pool never used joins at once.
#include "engine/transfer/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <iterator>

namespace layerpush::engine {
namespace {

std::ptrdiff_t threads_now() {
  const std::filesystem::directory_iterator tasks("/proc/self/task");
  return std::distance(begin(tasks), end(tasks));
}

TEST(WorkerPoolTest, StartsItsThreadsOnlyWhenFirstAskedFor) {
  const auto before = threads_now();
  WorkerPool pool(3);
  EXPECT_EQ(threads_now(), before);
  pool.join();  // never started: nothing to wait for
  EXPECT_EQ(threads_now(), before);

  WorkerPool used(3);
  std::atomic<int> ran = 0;
  for (int i = 0; i < 10; ++i) boost::asio::post(used.get(), [&] { ++ran; });
  EXPECT_EQ(threads_now(), before + 3);
  EXPECT_EQ(&used.get(), &used.get());  // one pool, started once
  used.join();
  EXPECT_EQ(ran, 10);
}

}  // namespace
}  // namespace layerpush::engine
