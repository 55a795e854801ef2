#include "engine/transfer/pipe_writer.h"

#include <cstring>

namespace layerpush::engine {

PipeWriter::~PipeWriter() {
  // A buffer never handed over goes back to the pipe's free list (held_ does the same).
  if (filling_) pipe_.untake(*filling_);
}

std::byte* PipeWriter::take() {
  auto buffer = pipe_.take_buffer();
  return buffer ? buffer->data : nullptr;
}

bool PipeWriter::give(std::byte* buffer, std::size_t size) {
  given_ += size;
  return held_.hold(Buffer{buffer, size});
}

void PipeWriter::discard(std::byte* buffer) { pipe_.untake(Buffer{buffer, 0}); }

bool PipeWriter::copy(std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    if (!filling_) {
      filling_ = pipe_.take_buffer();
      if (!filling_) return false;
    }
    const std::size_t n = std::min(bytes.size(), pipe_.buffer_size() - filling_->size);
    std::memcpy(filling_->data + filling_->size, bytes.data(), n);
    filling_->size += n;
    bytes = bytes.subspan(n);
    if (filling_->size == pipe_.buffer_size()) {
      auto full = *std::exchange(filling_, std::nullopt);
      if (!give(full.data, full.size)) return false;
    }
  }
  return true;
}

bool PipeWriter::release_last() {
  if (filling_ && filling_->size > 0) {
    auto partial = *std::exchange(filling_, std::nullopt);
    if (!give(partial.data, partial.size)) return false;
  }
  return held_.release();
}

}  // namespace layerpush::engine
