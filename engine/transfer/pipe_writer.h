// Fills a BlobPipe from the producer thread, always holding back the last filled buffer until
// release_last(): the producer checks the blob's digest first, so a corrupt blob's final bytes
// never leave. The BlobOutput a source fills (engine/image/blob_source.h): buffers read or made
// straight in the pipe's memory, and copies of bytes made elsewhere (compressed output).
// Producer thread only.
#pragma once

#include <optional>
#include <span>

#include "engine/http/blob_pipe.h"
#include "engine/image/blob_source.h"
#include "engine/transfer/held_back.h"

namespace layerpush::engine {

class PipeWriter final : public BlobOutput {
 public:
  explicit PipeWriter(BlobPipe& pipe) : pipe_(pipe), held_(pipe) {}
  ~PipeWriter() override;

  std::byte* take() override;
  bool give(std::byte* buffer, std::size_t size) override;
  void discard(std::byte* buffer) override;

  // Copies bytes into pipe buffers; false once the consumer closed the pipe.
  bool copy(std::span<const std::byte> bytes) override;
  // Hands over what is held back; call once the blob is known to be good.
  bool release_last();
  std::uint64_t bytes_given() const { return given_; }

 private:
  BlobPipe& pipe_;
  HeldBack held_;                  // the last buffer given, not yet pushed
  std::optional<Buffer> filling_;  // the buffer copy() is filling
  std::uint64_t given_ = 0;
};

}  // namespace layerpush::engine
