#include "engine/compress/block_codec.h"

#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <cstring>
#include <memory>
#include <stdexcept>

#include "engine/compress/isal_stream.h"

namespace layerpush::engine {
namespace {

std::size_t level_buffer_size(int level) {
  switch (level) {
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    case 2: return ISAL_DEF_LVL2_DEFAULT;
    case 3: return ISAL_DEF_LVL3_DEFAULT;
  }
  return 0;
}

std::vector<std::uint8_t> deflate_block(int level, std::span<const std::uint8_t> input, bool last) {
  thread_local std::vector<std::uint8_t> level_buffer;
  level_buffer.resize(level_buffer_size(level));
  // The thread's stream, at an address ISA-L's level-1 bug sees alike on every thread
  // (engine/compress/isal_stream.h); zeroed for each block, so nothing of the last block is left.
  thread_local const IsalStream stream = make_isal_stream();
  isal_zstream& s = *stream;
  std::memset(&s, 0, sizeof s);
  isal_deflate_init(&s);
  s.gzip_flag = IGZIP_DEFLATE;
  s.level = static_cast<std::uint32_t>(level);
  s.level_buf = level_buffer.empty() ? nullptr : level_buffer.data();
  s.level_buf_size = static_cast<std::uint32_t>(level_buffer.size());
  // A full flush ends on a byte boundary with no history kept: the next block starts afresh.
  s.flush = last ? NO_FLUSH : FULL_FLUSH;
  s.end_of_stream = last ? 1 : 0;
  s.next_in = const_cast<std::uint8_t*>(input.data());
  s.avail_in = static_cast<std::uint32_t>(input.size());
  // Stored blocks bound the output: 5 bytes per 64 KiB block, plus the flush marker. The
  // scratch space is the thread's, zeroed once: a fresh zeroed vector per block was 2% of a
  // docker-archive push's samples (memset), more than copying the compressed bytes out.
  const std::size_t bound = input.size() + input.size() / 16 + 1024;
  thread_local std::vector<std::uint8_t> out;
  if (out.size() < bound) out.resize(bound);
  std::size_t produced = 0;
  for (;;) {
    s.next_out = out.data() + produced;
    s.avail_out = static_cast<std::uint32_t>(out.size() - produced);
    if (isal_deflate(&s) != COMP_OK) throw std::runtime_error("gzip compression failed");
    produced = out.size() - s.avail_out;
    const bool done = last ? s.internal_state.state == ZSTATE_END
                           : s.avail_in == 0 && s.internal_state.state == ZSTATE_NEW_HDR;
    if (done && s.avail_out > 0) break;
    if (s.avail_out == 0) out.resize(out.size() * 2);
  }
  return std::vector<std::uint8_t>(out.begin(),
                                   out.begin() + static_cast<std::ptrdiff_t>(produced));
}

// A zstd frame's window spans its whole block: a level's own window (1 MiB at level 2) would
// forget most of a 4 MiB block.
constexpr int kZstdWindowLog = 22;
// The default level's hash table cut to 2^14 entries, the size of its chain table: both then
// stay in a core's L2 cache. Pushing the 1.1 GB archive of /usr files (bench/perf_targets.sh
// section 2) with `copy --compress zstd` to an OCI layout, three runs each: 4.8 to 5.1 CPU-s for
// 313.9 MB, against 6.3 to 6.7 CPU-s for 302.2 MB with level 2's own 2^16 (level 1: 4.9 to 5.1
// for 320.7 MB; level 3: 8.8 for 287.2 MB). Other levels keep zstd's own tables.
constexpr int kDefaultZstdHashLog = 14;

std::vector<std::uint8_t> zstd_frame(int level, std::span<const std::uint8_t> input) {
  thread_local std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(),
                                                                           &ZSTD_freeCCtx);
  auto check = [](std::size_t result) {
    if (ZSTD_isError(result))
      throw std::runtime_error(std::string("zstd compression failed: ") +
                               ZSTD_getErrorName(result));
    return result;
  };
  check(ZSTD_CCtx_reset(context.get(), ZSTD_reset_session_and_parameters));
  check(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, level));
  check(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_windowLog, kZstdWindowLog));
  if (level == default_level(Compression::kZstd))
    check(ZSTD_CCtx_setParameter(context.get(), ZSTD_c_hashLog, kDefaultZstdHashLog));
  const std::size_t bound = ZSTD_compressBound(input.size());
  thread_local std::vector<std::uint8_t> out;  // as in deflate_block: zeroed once per thread
  if (out.size() < bound) out.resize(bound);
  const std::size_t n =
      check(ZSTD_compress2(context.get(), out.data(), out.size(), input.data(), input.size()));
  return std::vector<std::uint8_t>(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n));
}

void put_le32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

}  // namespace

std::size_t compress_block_size(Compression algorithm) {
  if (algorithm == Compression::kZstd) return std::size_t{1} << kZstdWindowLog;
  return std::size_t{1} << 20;
}

std::vector<std::uint8_t> compress_block(Compression algorithm, int level,
                                         std::span<const std::uint8_t> input, bool last) {
  if (algorithm == Compression::kGzip) return deflate_block(level, input, last);
  if (algorithm == Compression::kZstd) return zstd_frame(level, input);
  throw std::logic_error("compress_block needs gzip or zstd");
}

std::vector<std::uint8_t> gzip_header() {
  // ID1 ID2, deflate, no flags, mtime 0, no extra flags, OS unknown (255), as Go writes it.
  return {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255};
}

std::vector<std::uint8_t> gzip_trailer(std::uint32_t crc, std::uint64_t size) {
  std::vector<std::uint8_t> out;
  put_le32(out, crc);
  put_le32(out, static_cast<std::uint32_t>(size));
  return out;
}

std::uint32_t gzip_crc(std::uint32_t crc, std::span<const std::uint8_t> bytes) {
  return crc32_gzip_refl(crc, bytes.data(), bytes.size());
}

}  // namespace layerpush::engine
