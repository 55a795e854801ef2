// Reads a blob's bytes out of a BlobPipe in pieces of at most a given size, so that a request
// body (a whole blob, or one PATCH chunk) can take exactly the bytes it needs. Lives on the
// network thread with the request that uses it; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "engine/blob_pipe.h"

namespace layerpush::engine {

class BodyReader {
 public:
  explicit BodyReader(std::shared_ptr<BlobPipe> pipe) : pipe_(std::move(pipe)) {}
  ~BodyReader();
  BodyReader(const BodyReader&) = delete;
  BodyReader& operator=(const BodyReader&) = delete;

  // The next up to `max` bytes; valid until the next call. Throws engine::Error(kCorrupt) if the
  // stream ends first, and rethrows an error the producer finished the pipe with.
  boost::asio::awaitable<std::span<const std::byte>> next(std::size_t max);
  // Waits for the producer to end the stream after the last byte was taken, rethrowing its error
  // (a digest mismatch found at the end), and fails if it produced more bytes than expected.
  boost::asio::awaitable<void> expect_end();

 private:
  std::shared_ptr<BlobPipe> pipe_;
  std::optional<Buffer> current_;
  std::size_t position_ = 0;
};

}  // namespace layerpush::engine
