// Where an ISA-L deflate stream may live, so that a block compresses to the same bytes on every
// thread. ISA-L 2.30's level-1 deflate body (igzip_icf_body_h1_gr_bt.asm, `.write_first_byte`)
// hashes a fresh stream's third input position from a register (rcx) that at that point still
// holds the stream's own address: the third position is filed in the hash table under CRC-32C of
// bits 16 to 47 of the isal_zstream's address instead of under its bytes' hash. Whether a few
// early matches are found therefore depended on where the stream lived (on each thread's stack):
// about one block in 10,000 came out in another, equally valid encoding, which changed a layer's
// digest from one push to the next (README, Status). Streams made here live only at addresses
// whose hash is one constant, so the encoding depends on the input and the level alone.
#pragma once

#include <isa-l/igzip_lib.h>

#include <cstdint>
#include <memory>

namespace layerpush::engine {

struct UnmapIsalStream {
  void operator()(isal_zstream* stream) const;
};
using IsalStream = std::unique_ptr<isal_zstream, UnmapIsalStream>;

// The hash table index the bug files a stream's third position under, before the table's mask:
// CRC-32C (the `crc32` instruction, initial value 0) of address bits 16 to 47.
std::uint32_t stream_address_hash(std::uintptr_t address);

// Every stream sits where stream_address_hash() & kStreamHashMask is this. Any constant would
// do; changing it changes some gzip layers' digests.
inline constexpr std::uint32_t kStreamAddressHash = 0;
// The largest hash mask of level 1 (IGZIP_LVL1_HASH_SIZE - 1); ISA-L uses a smaller one for a
// small last input, which keeps the low bits of this.
inline constexpr std::uint32_t kStreamHashMask = 0x1FFF;

// A zeroed isal_zstream (not yet isal_deflate_init()ed) at such an address, in a mapping of its
// own. Throws std::runtime_error if no such address could be mapped.
IsalStream make_isal_stream();

}  // namespace layerpush::engine
