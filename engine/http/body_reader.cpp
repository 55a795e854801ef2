#include "engine/http/body_reader.h"

#include <stdexcept>

#include "engine/util/error.h"

namespace layerpush::engine {

BodyReader::~BodyReader() {
  if (current_) pipe_->recycle(*current_);
}

boost::asio::awaitable<void> BodyReader::fill() {
  while (!current_ || position_ == current_->size) {
    if (current_) pipe_->recycle(*current_);
    current_ = co_await pipe_->pop();
    position_ = 0;
    if (!current_) throw Error(ErrorKind::kCorrupt, "blob ended before its declared size");
  }
}

boost::asio::awaitable<std::span<const std::byte>> BodyReader::next(std::size_t max) {
  co_await fill();
  if (current_->data == nullptr) throw std::logic_error("BodyReader::next on a counts-only pipe");
  const std::size_t n = std::min(max, current_->size - position_);
  std::span<const std::byte> piece(current_->data + position_, n);
  position_ += n;
  consumed_ += n;
  co_return piece;
}

boost::asio::awaitable<std::size_t> BodyReader::next_count(std::size_t max) {
  co_await fill();
  const std::size_t n = std::min(max, current_->size - position_);
  position_ += n;
  consumed_ += n;
  co_return n;
}

boost::asio::awaitable<void> BodyReader::skip(std::uint64_t bytes) {
  while (bytes > 0) {
    co_await fill();
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(bytes, current_->size - position_));
    position_ += n;
    consumed_ += n;
    bytes -= n;
  }
}

boost::asio::awaitable<void> BodyReader::expect_end() {
  if (current_ && position_ < current_->size)
    throw Error(ErrorKind::kCorrupt, "blob is longer than its declared size");
  if (current_) {
    pipe_->recycle(*current_);
    current_.reset();
  }
  if (auto extra = co_await pipe_->pop()) {
    pipe_->recycle(*extra);
    throw Error(ErrorKind::kCorrupt, "blob is longer than its declared size");
  }
}

}  // namespace layerpush::engine
