// A block that shows ISA-L's level-1 address bug (engine/compress/isal_stream.h), and raw level-1
// deflate through a given stream, for the tests of the placement and of compress_block.
#pragma once

#include <isa-l/igzip_lib.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "engine/compress/isal_stream.h"

namespace layerpush::engine {

// 8 KiB whose bytes 2 to 17 come again at 64, and nowhere else: the only early match is back to
// position 2, which the deflate body files under its bytes' hash only where the stream's address
// hashes alike (elsewhere the match starts a byte later, back to position 3). Bytes 2 to 5 are
// chosen so that their hash is kStreamAddressHash. (Early, because after 2 KiB without a match
// the body starts skipping positions.)
inline std::vector<std::uint8_t> block_whose_third_position_matters() {
  std::vector<std::uint8_t> block(8192);
  std::uint32_t state = 12345;
  for (auto& b : block) {  // letters from an LCG: no run of 4 repeats by chance
    state = state * 1103515245u + 12345u;
    b = static_cast<std::uint8_t>('a' + (state >> 16) % 26);
  }
  for (std::uint32_t word = 0;; ++word) {
    std::uint32_t candidate = 0x41414141u + (word % 26) + ((word / 26) % 26 << 8) +
                              ((word / 676) % 26 << 16) + ((word / 17576) % 26 << 24);
    const auto hash = stream_address_hash(std::uintptr_t{candidate} << 16);
    if ((hash & kStreamHashMask) != kStreamAddressHash) continue;
    std::memcpy(&block[2], &candidate, sizeof candidate);  // upper-case: unlike the filler
    break;
  }
  std::memcpy(&block[64], &block[2], 16);
  return block;
}

// Raw deflate of `input`, level 1, ended by a full flush, through `stream`.
inline std::vector<std::uint8_t> deflate_level1(isal_zstream& stream,
                                                const std::vector<std::uint8_t>& input) {
  std::vector<std::uint8_t> level_buffer(ISAL_DEF_LVL1_DEFAULT);
  std::vector<std::uint8_t> out(input.size() * 2 + 1024);
  isal_deflate_init(&stream);
  stream.gzip_flag = IGZIP_DEFLATE;
  stream.level = 1;
  stream.level_buf = level_buffer.data();
  stream.level_buf_size = static_cast<std::uint32_t>(level_buffer.size());
  stream.flush = FULL_FLUSH;
  stream.next_in = const_cast<std::uint8_t*>(input.data());
  stream.avail_in = static_cast<std::uint32_t>(input.size());
  stream.next_out = out.data();
  stream.avail_out = static_cast<std::uint32_t>(out.size());
  if (isal_deflate(&stream) != COMP_OK || stream.avail_in != 0)
    throw std::runtime_error("level-1 deflate failed");
  out.resize(out.size() - stream.avail_out);
  return out;
}

}  // namespace layerpush::engine
