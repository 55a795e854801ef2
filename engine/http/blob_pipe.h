// Hands a blob's bytes from the thread that reads and hashes them to the coroutine that sends
// them, with back-pressure: the producer blocks once `capacity` buffers are outstanding, so a
// blob in flight never holds more than capacity * buffer size bytes, whatever its size.
//
// The memory is one block of capacity * buffer_size bytes, allocated with the pipe, so the
// reader can read straight into the buffers the network then sends from.
//
// Thread-safety: take_buffer()/push()/finish() are called from one producer thread; pop()/recycle()/close()
// from coroutines on the pipe's executor (the network thread). Hold it in a shared_ptr: wake-ups
// posted by the producer keep it alive.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <cstdlib>
#include <cstddef>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

namespace layerpush::engine {

// One block of a pipe's memory: `size` bytes at `data`, room for the pipe's buffer_size.
struct Buffer {
  std::byte* data = nullptr;
  std::size_t size = 0;
};

class BlobPipe : public std::enable_shared_from_this<BlobPipe> {
 public:
  enum class Memory { kBuffers, kCountsOnly };
  // kCountsOnly: buffers carry no bytes (data is null), only a count of up to buffer_size bytes
  // that are ready elsewhere (in a file the network sends from); nothing is allocated.
  BlobPipe(boost::asio::any_io_executor executor, std::size_t capacity, std::size_t buffer_size,
           Memory memory = Memory::kBuffers);

  // Producer side. take_buffer() blocks until one of the `capacity` buffers is free and returns
  // it empty; nullopt once the consumer closed.
  std::optional<Buffer> take_buffer();
  // Gives back a taken buffer that was never pushed.
  void untake(Buffer buffer) { recycle(buffer); }
  // Queues a filled buffer for the consumer; false once the consumer closed.
  bool push(Buffer buffer);
  // Ends the stream: cleanly, or with the producer's error, which pop() then rethrows.
  void finish(std::exception_ptr error = nullptr);

  // Consumer side. The next buffer in order; nullopt at the clean end of the stream.
  boost::asio::awaitable<std::optional<Buffer>> pop();
  // Returns a consumed buffer so the producer can fill it again.
  void recycle(Buffer buffer);

  std::size_t buffer_size() const { return buffer_size_; }
  bool counts_only() const { return !memory_; }
  bool closed();
  // The consumer gives up: the producer's pending and future calls return at once.
  void close();

 private:
  void wake_consumer();

  boost::asio::steady_timer ready_;  // touched on the executor only
  const std::size_t buffer_size_;

  std::mutex mutex_;
  std::condition_variable room_;
  struct FreeMemory {
    void operator()(std::byte* p) const { std::free(p); }
  };
  std::unique_ptr<std::byte, FreeMemory> memory_;  // page-aligned: whole pages for the kernel to fill
  std::deque<Buffer> filled_;      // GUARDED_BY(mutex_)
  std::vector<std::byte*> free_;   // GUARDED_BY(mutex_)
  bool finished_ = false;          // GUARDED_BY(mutex_)
  bool closed_ = false;            // GUARDED_BY(mutex_)
  // pop() is parked on `ready_`: only then does the producer post a wake-up, which saves a
  // cross-thread hand-off per buffer while the consumer is busy sending.
  bool consumer_waiting_ = false;  // GUARDED_BY(mutex_)
  std::exception_ptr error_;       // GUARDED_BY(mutex_)
};

}  // namespace layerpush::engine
