// Compresses a stream in parallel and deterministically: the input is cut into
// compress_block_size() blocks, each compressed on its own (engine/compress/block_codec.h) on a TBB
// worker, and the results are written in order: for gzip one member (header, the blocks' deflate
// data, CRC-32 and size), for zstd one frame per block. The bytes depend only on the input, the
// algorithm and the level, never on the thread count, the machine's speed or the sizes of the
// pieces fed in, so a layer compresses to the same digest on every push. At most `in_flight` blocks
// are held (each about twice the block size at worst), whatever the stream's length. One compressor
// per stream, fed from one thread; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "engine/compress/block_codec.h"
#include "engine/compress/compression.h"

namespace layerpush::engine {

class BlockCompressor {
 public:
  using Sink = std::function<bool(std::span<const std::byte>)>;

  // `algorithm` kGzip or kZstd with a level allowed for it. `threads` caps the workers
  // (0: every core); `in_flight` 0 means threads + 1 (or cores + 1).
  BlockCompressor(CompressionSettings settings, Sink sink, unsigned threads = 0,
                  std::size_t in_flight = 0);
  ~BlockCompressor();  // waits for blocks still being compressed
  BlockCompressor(const BlockCompressor&) = delete;
  BlockCompressor& operator=(const BlockCompressor&) = delete;

  // Both return false once the sink asked to stop (nothing more is written then). Throws
  // std::runtime_error if compression fails.
  bool feed(std::span<const std::byte> input);
  bool finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace layerpush::engine
