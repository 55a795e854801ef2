#include "engine/http/blob_pipe.h"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <new>
#include <utility>

namespace layerpush::engine {
namespace asio = boost::asio;
namespace {
constexpr std::size_t kPageSize = 4096;
std::size_t round_up_to_page(std::size_t n) { return (n + kPageSize - 1) / kPageSize * kPageSize; }
}  // namespace

BlobPipe::BlobPipe(asio::any_io_executor executor, std::size_t capacity, std::size_t buffer_size,
                   Memory memory)
    : ready_(executor, asio::steady_timer::time_point::max()),
      buffer_size_(buffer_size) {
  if (memory == Memory::kCountsOnly) {
    free_.assign(capacity, nullptr);
    return;
  }
  memory_.reset(static_cast<std::byte*>(
      std::aligned_alloc(kPageSize, round_up_to_page(capacity * buffer_size))));
  if (!memory_) throw std::bad_alloc();
  for (std::size_t i = 0; i < capacity; ++i) free_.push_back(memory_.get() + i * buffer_size);
}

std::optional<Buffer> BlobPipe::take_buffer() {
  std::unique_lock lock(mutex_);
  room_.wait(lock, [&] { return closed_ || !free_.empty(); });
  if (closed_) return std::nullopt;
  Buffer buffer{free_.back(), 0};
  free_.pop_back();
  return buffer;
}

bool BlobPipe::push(Buffer buffer) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    filled_.push_back(buffer);
    wake = std::exchange(consumer_waiting_, false);
  }
  if (wake) wake_consumer();
  return true;
}

void BlobPipe::finish(std::exception_ptr error) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
    error_ = error;
    wake = std::exchange(consumer_waiting_, false);
  }
  if (wake) wake_consumer();
}

void BlobPipe::wake_consumer() {
  // The timer belongs to the network thread; cancelling it there resumes the waiting pop(). The
  // post cannot overtake the wait: pop() registers it before the network thread runs anything
  // else, and the producer saw consumer_waiting_ only after pop() set it.
  asio::post(ready_.get_executor(), [self = shared_from_this()] { self->ready_.cancel(); });
}

asio::awaitable<std::optional<Buffer>> BlobPipe::pop() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (!filled_.empty()) {
        Buffer buffer = filled_.front();
        filled_.pop_front();
        co_return buffer;
      }
      if (finished_) {
        if (error_) std::rethrow_exception(error_);
        co_return std::nullopt;
      }
      consumer_waiting_ = true;
    }
    boost::system::error_code ignored;  // operation_aborted is the wake-up itself
    co_await ready_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

void BlobPipe::recycle(Buffer buffer) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(buffer.data);
  }
  room_.notify_one();
}

bool BlobPipe::closed() {
  std::lock_guard lock(mutex_);
  return closed_;
}

void BlobPipe::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (const auto& buffer : filled_) free_.push_back(buffer.data);
    filled_.clear();
  }
  room_.notify_all();
}

}  // namespace layerpush::engine
