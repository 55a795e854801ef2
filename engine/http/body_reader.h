// Reads a blob's bytes out of a BlobPipe in pieces of at most a given size, so that a request
// body (a whole blob, or one PATCH chunk) can take exactly the bytes it needs. Lives on the
// network thread with the request that uses it; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "engine/http/blob_pipe.h"

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
  // The same, counting bytes without touching them: for a sender that takes the bytes from the
  // file source, and the only way to read a BlobPipe::Memory::kCountsOnly pipe.
  boost::asio::awaitable<std::size_t> next_count(std::size_t max);
  // Drops the next `bytes` bytes: a resumed upload re-produces the blob from its start (to hash
  // it whole) but sends only what the registry does not hold yet.
  boost::asio::awaitable<void> skip(std::uint64_t bytes);
  // Waits for the producer to end the stream after the last byte was taken, rethrowing its error
  // (a digest mismatch found at the end), and fails if it produced more bytes than expected.
  boost::asio::awaitable<void> expect_end();

  // Where the bytes also sit, unchanged, in a file: byte p of the blob is byte offset + p of
  // `fd`. Set for blobs sent as stored, so a plain-HTTP connection can hand the kernel the file
  // range (sendfile) instead of copying the bytes the producer read and hashed.
  struct FileSource {
    int fd = -1;
    std::uint64_t offset = 0;
  };
  void set_file_source(FileSource source) { file_source_ = source; }
  const std::optional<FileSource>& file_source() const { return file_source_; }
  // Bytes handed out by next() so far: the blob offset just after the last piece.
  std::uint64_t consumed() const { return consumed_; }

 private:
  // Moves to the next buffer when the current one is used up; false at the end of the stream.
  boost::asio::awaitable<void> fill();

  std::shared_ptr<BlobPipe> pipe_;
  std::optional<Buffer> current_;
  std::size_t position_ = 0;
  std::uint64_t consumed_ = 0;
  std::optional<FileSource> file_source_;
};

}  // namespace layerpush::engine
