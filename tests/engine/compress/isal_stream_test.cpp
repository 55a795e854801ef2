// make_isal_stream(): streams sit only where ISA-L's level-1 bug (engine/compress/isal_stream.h)
// sees one hash, and that placement is what decides the encoding of a block whose third position
// matters.
#include "engine/compress/isal_stream.h"

#include <gtest/gtest.h>
#include <nmmintrin.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "tests/engine/compress/isal_block.h"

namespace layerpush::engine {
namespace {

__attribute__((target("sse4.2"))) std::uint32_t crc32_instruction(std::uint32_t value) {
  return _mm_crc32_u32(0, value);
}

TEST(IsalStreamTest, TheAddressHashIsWhatTheCrc32InstructionComputes) {
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (int i = 0; i < 10000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto address = static_cast<std::uintptr_t>(x >> 16);
    EXPECT_EQ(stream_address_hash(address),
              crc32_instruction(static_cast<std::uint32_t>(address >> 16)))
        << std::hex << address;
  }
}

TEST(IsalStreamTest, EveryStreamSitsWhereTheHashIsTheConstantAndStartsZeroed) {
  std::mutex lock;
  std::vector<IsalStream> streams;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 8; ++i) {
        auto stream = make_isal_stream();
        const std::lock_guard<std::mutex> hold(lock);
        streams.push_back(std::move(stream));
      }
    });
  for (auto& t : threads) t.join();
  std::set<const void*> addresses;
  const isal_zstream zero{};
  for (const auto& s : streams) {
    const auto address = reinterpret_cast<std::uintptr_t>(s.get());
    EXPECT_EQ(stream_address_hash(address) & kStreamHashMask, kStreamAddressHash)
        << std::hex << address;
    EXPECT_EQ(std::memcmp(s.get(), &zero, sizeof zero), 0);
    addresses.insert(s.get());
  }
  EXPECT_EQ(addresses.size(), 64u) << "each stream in a mapping of its own";
}

// The ISA-L behaviour the placement exists for: the same block, through a stream elsewhere,
// comes out otherwise. Should a fixed ISA-L make this fail, the placement is no longer needed.
TEST(IsalStreamTest, WithoutThePlacementTheEncodingDependsOnTheStreamsAddress) {
  const auto block = block_whose_third_position_matters();
  const auto placed = make_isal_stream();
  const auto expected = deflate_level1(*placed, block);
  for (int tries = 0;; ++tries) {
    ASSERT_LT(tries, 100);
    auto elsewhere = std::make_unique<isal_zstream>();
    const auto address = reinterpret_cast<std::uintptr_t>(elsewhere.get());
    if ((stream_address_hash(address) & kStreamHashMask) == kStreamAddressHash) continue;
    EXPECT_NE(deflate_level1(*elsewhere, block), expected) << std::hex << address;
    break;
  }
}

}  // namespace
}  // namespace layerpush::engine
