// Compresses one block of a layer on its own, with no history from the blocks before it, so
// blocks can be compressed on any thread in any order and concatenated: for gzip, raw deflate
// that ends on a byte boundary (a full flush, or the final block when `last`), as
// `pigz --independent` writes; for zstd, one whole frame. The bytes depend only on the input,
// the algorithm, the level and `last`. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/compress/compression.h"

namespace layerpush::engine {

// gzip, 1 MiB: large enough that the 32 KiB of history each block starts without costs under
// 0.5% of ratio (bench/compression_bench.cpp), small enough that a 10 MiB layer still spreads
// over ten workers. zstd, 4 MiB, each frame's window spanning its block: pushing a 1.1 GB archive
// of /usr files (bench/perf_targets.sh section 2), level 2 in such frames made 0.97x the bytes
// of level 3 in 1 MiB frames for two thirds of the client's CPU (zstd's default level 3 is not
// needed to stay under 0.95x of skopeo's gzip); the default level's smaller hash table
// (block_codec.cpp) cut another fifth of it. Part of the output format: changing either
// changes every compressed layer's digest.
std::size_t compress_block_size(Compression algorithm);

// `algorithm` must be kGzip or kZstd and `level` allowed for it (engine/compress/compression.h);
// throws std::runtime_error if the library fails.
std::vector<std::uint8_t> compress_block(Compression algorithm, int level,
                                         std::span<const std::uint8_t> input, bool last);

// The gzip member around the deflate blocks: a 10-byte header (no name, mtime 0) and the trailer
// (CRC-32 and size modulo 2^32 of the uncompressed bytes, little-endian).
std::vector<std::uint8_t> gzip_header();
std::vector<std::uint8_t> gzip_trailer(std::uint32_t crc, std::uint64_t size);

// CRC-32 as gzip uses it, continued from `crc` (0 to start).
std::uint32_t gzip_crc(std::uint32_t crc, std::span<const std::uint8_t> bytes);

}  // namespace layerpush::engine
