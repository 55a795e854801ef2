// BlobPipe and BodyReader: bytes pushed by a producer thread arrive in order at a coroutine that
// reads them in pieces of any size; the producer is held back at `capacity` outstanding buffers;
// errors and early ends reach the consumer; close() releases a blocked producer.
#include "engine/http/blob_pipe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <future>
#include <numeric>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "engine/http/body_reader.h"
#include "engine/util/error.h"

namespace layerpush::engine {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr std::size_t kBufferSize = 5000;

// Byte i of the test stream: a pattern with period 251, so a lost, repeated or reordered piece
// shows up as a mismatch.
std::byte byte_at(std::size_t i) { return static_cast<std::byte>((i * 131 + 7) % 251); }

std::vector<std::byte> expected_stream(std::size_t total) {
  std::vector<std::byte> out(total);
  for (std::size_t i = 0; i < total; ++i) out[i] = byte_at(i);
  return out;
}

// Polls `condition` every millisecond for up to five seconds.
template <typename Condition>
bool eventually(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// A producer thread that pushes one buffer of sizes[i] bytes per entry (the stream of byte_at),
// then finishes the pipe with `end_error`. Counts take_buffer() calls begun and returned.
class Producer {
 public:
  Producer(std::shared_ptr<BlobPipe> pipe, std::vector<std::size_t> sizes,
           std::exception_ptr end_error = nullptr)
      : pipe_(std::move(pipe)), sizes_(std::move(sizes)), end_error_(end_error) {
    thread_ = std::thread([this] { run(); });
  }
  ~Producer() {
    if (!done.load()) pipe_->close();  // a failed test must not leave the thread blocked
    thread_.join();
  }

  std::atomic<std::size_t> started{0};  // take_buffer() calls begun
  std::atomic<std::size_t> taken{0};    // take_buffer() calls that returned a buffer
  std::atomic<bool> done{false};
  std::set<const std::byte*> blocks;  // distinct buffers handed out; read after done

 private:
  void run() {
    std::size_t position = 0;
    for (std::size_t size : sizes_) {
      ++started;
      auto buffer = pipe_->take_buffer();
      if (!buffer) break;
      ++taken;
      EXPECT_EQ(buffer->size, 0u) << "take_buffer returned a buffer that is not empty";
      EXPECT_NE(buffer->data, nullptr);
      blocks.insert(buffer->data);
      for (std::size_t i = 0; i < size; ++i) buffer->data[i] = byte_at(position++);
      buffer->size = size;
      if (!pipe_->push(*buffer)) break;
    }
    pipe_->finish(end_error_);
    done = true;
  }

  std::shared_ptr<BlobPipe> pipe_;
  std::vector<std::size_t> sizes_;
  std::exception_ptr end_error_;
  std::thread thread_;
};

// Runs `task` on `ioc` from the test thread until it ends (at most 30 s); returns what it threw.
std::exception_ptr run_to_end(asio::io_context& ioc, asio::awaitable<void> task) {
  bool finished = false;
  std::exception_ptr thrown;
  asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e) {
    finished = true;
    thrown = e;
  });
  ioc.run_for(30s);
  EXPECT_TRUE(finished) << "the consumer coroutine did not finish";
  return thrown;
}

// The engine::Error held by `e`, checked to be of `kind` and to mention `words`.
void expect_error(std::exception_ptr e, ErrorKind kind, const std::string& words) {
  ASSERT_TRUE(e) << "expected an error mentioning \"" << words << "\"";
  try {
    std::rethrow_exception(e);
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), kind) << error.what();
    EXPECT_NE(std::string(error.what()).find(words), std::string::npos) << error.what();
  } catch (const std::exception& other) {
    ADD_FAILURE() << "not an engine::Error: " << other.what();
  }
}

std::shared_ptr<BlobPipe> make_pipe(asio::io_context& ioc, std::size_t capacity) {
  return std::make_shared<BlobPipe>(ioc.get_executor(), capacity, kBufferSize);
}

// What the consumer of the streaming test saw.
struct Consumed {
  std::vector<std::byte> bytes;
  std::size_t most_outstanding = 0;  // largest (buffers taken - buffers recycled) observed
  bool producer_held_back = false;   // seen blocked in take_buffer at `capacity` outstanding
};

// Reads `ends.back()` bytes with cycling odd piece sizes, then expects the end. `ends[i]` is the
// stream offset where buffer i ends. Before buffer i is released, buffers 0..i-1 have been
// recycled, so the producer may have taken at most i + capacity buffers; at buffers
// `checkpoints`, waits for the producer to get there and checks that it stays blocked.
asio::awaitable<void> consume_all(std::shared_ptr<BlobPipe> pipe, const Producer* producer,
                                  std::vector<std::size_t> ends, std::size_t capacity,
                                  std::vector<std::size_t> checkpoints, Consumed* out) {
  static constexpr std::size_t kMaxSizes[] = {1, 7, 1000, 4093, 13, 65536, 333};
  BodyReader reader(pipe);
  const std::size_t total = ends.back();
  std::size_t turn = 0;
  std::size_t checked = 0;
  while (out->bytes.size() < total) {
    const std::size_t start = out->bytes.size();
    const std::size_t max = kMaxSizes[turn++ % std::size(kMaxSizes)];
    auto piece = co_await reader.next(max);
    EXPECT_GT(piece.size(), 0u);
    EXPECT_LE(piece.size(), max);
    out->bytes.insert(out->bytes.end(), piece.begin(), piece.end());

    // The buffer this piece came from: pieces never span buffers.
    const std::size_t k = std::upper_bound(ends.begin(), ends.end(), start) - ends.begin();
    EXPECT_LE(start + piece.size(), ends[k]) << "a piece spans two buffers";
    const std::size_t taken = producer->taken.load();
    out->most_outstanding = std::max(out->most_outstanding, taken - k);
    EXPECT_LE(taken, k + capacity) << "the producer ran ahead of the consumer at buffer " << k;

    if (checked < checkpoints.size() && k >= checkpoints[checked]) {
      ++checked;
      // The producer fills buffers up to k + capacity - 1 and then waits in take_buffer for the
      // next one; the consumer holds buffer k, so it must stay there.
      const std::size_t limit = std::min(k + capacity, ends.size());
      const bool arrived = eventually([&] {
        return producer->taken.load() == limit &&
               (limit == ends.size() || producer->started.load() == limit + 1);
      });
      EXPECT_TRUE(arrived) << "the producer did not reach " << limit << " buffers; taken "
                           << producer->taken.load();
      std::this_thread::sleep_for(50ms);
      EXPECT_EQ(producer->taken.load(), limit) << "take_buffer did not block at capacity";
      if (arrived && limit < ends.size() && producer->taken.load() == limit)
        out->producer_held_back = true;
    }
  }
  co_await reader.expect_end();
}

TEST(BlobPipeTest, StreamsEveryByteInOrderAndHoldsTheProducerAtCapacity) {
  const std::vector<std::size_t> pattern = {1, 4096, 17,   5000, 333,  0,
                                            2, 4999, 1024, 3,    4000, 2500};
  std::vector<std::size_t> sizes;
  for (int round = 0; round < 5; ++round) sizes.insert(sizes.end(), pattern.begin(), pattern.end());
  std::vector<std::size_t> ends(sizes.size());
  std::partial_sum(sizes.begin(), sizes.end(), ends.begin());

  constexpr std::size_t kCapacity = 2;
  asio::io_context ioc;
  auto pipe = make_pipe(ioc, kCapacity);
  Producer producer(pipe, sizes);
  Consumed consumed;
  auto thrown =
      run_to_end(ioc, consume_all(pipe, &producer, ends, kCapacity, {0, 1, 20, 41}, &consumed));
  if (thrown) {
    try {
      std::rethrow_exception(thrown);
    } catch (const std::exception& e) {
      FAIL() << "the consumer failed: " << e.what();
    }
  }
  EXPECT_TRUE(consumed.bytes == expected_stream(ends.back())) << "the bytes differ";
  EXPECT_EQ(consumed.bytes.size(), ends.back());
  EXPECT_EQ(consumed.most_outstanding, kCapacity);
  EXPECT_TRUE(consumed.producer_held_back);
  EXPECT_TRUE(eventually([&] { return producer.done.load(); }));
  EXPECT_EQ(producer.taken.load(), sizes.size());
  EXPECT_EQ(producer.blocks.size(), kCapacity) << "buffers are not reused";
}

TEST(BlobPipeTest, CapacityOneStillStreamsEverything) {
  std::vector<std::size_t> sizes = {10, 4999, 1, 5000, 77, 3000};
  std::vector<std::size_t> ends(sizes.size());
  std::partial_sum(sizes.begin(), sizes.end(), ends.begin());
  asio::io_context ioc;
  auto pipe = make_pipe(ioc, 1);
  Producer producer(pipe, sizes);
  Consumed consumed;
  EXPECT_FALSE(run_to_end(ioc, consume_all(pipe, &producer, ends, 1, {2}, &consumed)));
  EXPECT_TRUE(consumed.bytes == expected_stream(ends.back()));
  EXPECT_EQ(consumed.most_outstanding, 1u);
  EXPECT_TRUE(consumed.producer_held_back);
}

// Reads `n` bytes whatever the piece sizes, then expects the end.
asio::awaitable<void> read_then_expect_end(std::shared_ptr<BlobPipe> pipe, std::size_t n,
                                           std::size_t* read) {
  BodyReader reader(pipe);
  while (*read < n) *read += (co_await reader.next(n - *read)).size();
  co_await reader.expect_end();
}

// Reads up to `n` bytes in pieces of at most 3, then asks for more.
asio::awaitable<void> read_past(std::shared_ptr<BlobPipe> pipe, std::size_t n, std::size_t* read) {
  BodyReader reader(pipe);
  while (*read < n) *read += (co_await reader.next(3)).size();
  co_await reader.next(1);
}

TEST(BlobPipeTest, ProducerErrorIsRethrownByExpectEndAfterTheBytes) {
  asio::io_context ioc;
  auto pipe = make_pipe(ioc, 2);
  Producer producer(pipe, {100, 200, 50},
                    std::make_exception_ptr(Error(ErrorKind::kCorrupt, "layer 2 digest mismatch")));
  std::size_t read = 0;
  auto thrown = run_to_end(ioc, read_then_expect_end(pipe, 350, &read));
  EXPECT_EQ(read, 350u);
  expect_error(thrown, ErrorKind::kCorrupt, "layer 2 digest mismatch");
}

TEST(BlobPipeTest, ProducerErrorIsRethrownByNextAsTheSameException) {
  asio::io_context ioc;
  auto pipe = make_pipe(ioc, 2);
  Producer producer(pipe, {10, 20},
                    std::make_exception_ptr(std::runtime_error("read failed: Input/output error")));
  std::size_t read = 0;
  auto thrown = run_to_end(ioc, read_past(pipe, 30, &read));
  EXPECT_EQ(read, 30u);
  ASSERT_TRUE(thrown);
  try {
    std::rethrow_exception(thrown);
  } catch (const Error& e) {
    FAIL() << "the producer's error was replaced by: " << e.what();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "read failed: Input/output error");
  }
}

TEST(BlobPipeTest, ProducerErrorBeforeAnyByteReachesTheConsumer) {
  asio::io_context ioc;
  auto pipe = make_pipe(ioc, 2);
  Producer producer(pipe, {}, std::make_exception_ptr(Error(ErrorKind::kLocalRead, "cannot open")));
  std::size_t read = 0;
  expect_error(run_to_end(ioc, read_then_expect_end(pipe, 10, &read)), ErrorKind::kLocalRead,
               "cannot open");
  EXPECT_EQ(read, 0u);
}

TEST(BlobPipeTest, CleanEndBeforeTheDeclaredSizeIsCorrupt) {
  asio::io_context ioc;
  auto pipe = make_pipe(ioc, 2);
  Producer producer(pipe, {10});
  std::size_t read = 0;
  expect_error(run_to_end(ioc, read_then_expect_end(pipe, 11, &read)), ErrorKind::kCorrupt,
               "ended before");
  EXPECT_EQ(read, 10u);
}

TEST(BlobPipeTest, ExpectEndThrowsWhenTheCurrentBufferHasMoreBytes) {
  asio::io_context ioc;
  auto pipe = make_pipe(ioc, 2);
  Producer producer(pipe, {10});
  std::size_t read = 0;
  expect_error(run_to_end(ioc, read_then_expect_end(pipe, 4, &read)), ErrorKind::kCorrupt,
               "longer than its declared size");
  EXPECT_EQ(read, 4u);
}

TEST(BlobPipeTest, ExpectEndThrowsWhenAnotherBufferFollows) {
  asio::io_context ioc;
  auto pipe = make_pipe(ioc, 2);
  Producer producer(pipe, {5, 5});
  std::size_t read = 0;
  expect_error(run_to_end(ioc, read_then_expect_end(pipe, 5, &read)), ErrorKind::kCorrupt,
               "longer than its declared size");
  EXPECT_EQ(read, 5u);
}

TEST(BlobPipeTest, EmptyStreamEndsCleanly) {
  asio::io_context ioc;
  auto pipe = make_pipe(ioc, 2);
  Producer producer(pipe, {});
  std::size_t read = 0;
  EXPECT_FALSE(run_to_end(ioc, read_then_expect_end(pipe, 0, &read)));
}

// Takes one buffer and, still holding it (nothing is recycled), gives up on the stream as a
// failed request would; then waits up to two seconds for the blocked producer to return.
asio::awaitable<void> take_one_then_close(std::shared_ptr<BlobPipe> pipe,
                                          std::future<std::optional<Buffer>>* producer_result,
                                          std::size_t* read, bool* producer_returned) {
  std::optional<Buffer> held = co_await pipe->pop();
  if (held) *read = held->size;
  pipe->close();
  // Blocking the network thread is fine here: the producer needs nothing from it.
  *producer_returned = producer_result->wait_for(2s) == std::future_status::ready;
}

TEST(BlobPipeTest, CloseReleasesAProducerBlockedInTakeBuffer) {
  asio::io_context ioc;
  auto pipe = make_pipe(ioc, 2);
  std::atomic<bool> waiting{false};
  std::promise<std::optional<Buffer>> third;
  auto third_result = third.get_future();
  std::thread producer([&] {
    for (int i = 0; i < 2; ++i) {
      auto buffer = pipe->take_buffer();
      ASSERT_TRUE(buffer);
      std::fill_n(buffer->data, 100, std::byte{1});
      buffer->size = 100;
      ASSERT_TRUE(pipe->push(*buffer));
    }
    waiting = true;
    third.set_value(pipe->take_buffer());  // both buffers outstanding: blocks
  });

  ASSERT_TRUE(eventually([&] { return waiting.load(); }));
  EXPECT_EQ(third_result.wait_for(100ms), std::future_status::timeout)
      << "take_buffer returned with capacity buffers outstanding";

  std::size_t read = 0;
  bool returned = false;
  EXPECT_FALSE(run_to_end(ioc, take_one_then_close(pipe, &third_result, &read, &returned)));
  EXPECT_EQ(read, 100u);
  EXPECT_TRUE(returned) << "close() did not wake the producer";
  // If it did not, a recycled buffer wakes it (it then sees the pipe closed) so the test can end.
  if (third_result.wait_for(0s) != std::future_status::ready) pipe->recycle(Buffer());
  producer.join();
  EXPECT_FALSE(third_result.get().has_value());

  // After close, the producer's calls return at once.
  EXPECT_FALSE(pipe->take_buffer().has_value());
  EXPECT_FALSE(pipe->push(Buffer{}));
}

TEST(BlobPipeTest, RecycledBufferLetsABlockedProducerContinue) {
  asio::io_context ioc;
  auto pipe = make_pipe(ioc, 1);
  auto first = pipe->take_buffer();
  ASSERT_TRUE(first);
  std::promise<std::optional<Buffer>> second;
  auto second_result = second.get_future();
  std::thread producer([&] { second.set_value(pipe->take_buffer()); });
  EXPECT_EQ(second_result.wait_for(100ms), std::future_status::timeout);
  std::byte* const first_block = first->data;
  first->size = 3;
  pipe->recycle(*first);
  const bool woke = second_result.wait_for(2s) == std::future_status::ready;
  EXPECT_TRUE(woke) << "recycle() did not wake the producer";
  if (!woke) pipe->close();  // so that the thread ends
  producer.join();
  auto buffer = second_result.get();
  ASSERT_EQ(buffer.has_value(), woke);
  if (!buffer) return;
  EXPECT_EQ(buffer->size, 0u) << "a recycled buffer came back holding its old bytes";
  EXPECT_EQ(buffer->data, first_block) << "a pipe of capacity 1 has one buffer";
}

}  // namespace
}  // namespace layerpush::engine
