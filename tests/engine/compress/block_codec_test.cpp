// compress_block: a block's bytes depend on the block alone, neither on what the same thread
// compressed before (the libraries keep tables in a buffer each thread reuses) nor on the bytes
// after it in memory (look-ahead).
#include "engine/compress/block_codec.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/engine/compress/isal_block.h"

namespace layerpush::engine {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Text-like bytes: words from a small vocabulary with numbers, so matches abound at every
// distance, as in a layer's files.
Bytes text_block(std::size_t n, unsigned seed) {
  static const char* kWords[] = {"layer ",  "push ",      "registry ", "blob\n",      "manifest ",
                                 "digest ", "#include <", "return ",   "std::vector", "0x1f8b"};
  std::mt19937 rng(seed);
  Bytes out;
  while (out.size() < n) {
    const std::string word = std::string(kWords[rng() % 10]) + std::to_string(rng() % 5000);
    out.insert(out.end(), word.begin(), word.end());
  }
  out.resize(n);
  return out;
}

Bytes random_block(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

// Compresses `before` blocks and then `block` on a thread of its own; returns the last result.
Bytes on_fresh_thread(Compression algorithm, int level, const std::vector<Bytes>& before,
                      const Bytes& block, bool last) {
  Bytes out;
  std::thread([&] {
    for (const auto& b : before) compress_block(algorithm, level, b, false);
    out = compress_block(algorithm, level, block, last);
  }).join();
  return out;
}

TEST(BlockCodecTest, ABlocksBytesDoNotDependOnTheBlocksCompressedBeforeOnItsThread) {
  const std::size_t kBlock = 1 << 20;
  const Bytes block = text_block(kBlock, 7);
  const std::vector<std::vector<Bytes>> histories = {
      {text_block(kBlock, 1)},
      {text_block(kBlock, 2), random_block(kBlock, 3)},
      {text_block(kBlock / 3, 4), text_block(kBlock, 5), text_block(1000, 6)},
      {block},
  };
  struct Setting {
    Compression algorithm;
    int level;
  };
  for (const Setting s : {Setting{Compression::kGzip, 0}, Setting{Compression::kGzip, 1},
                          Setting{Compression::kGzip, 2}, Setting{Compression::kGzip, 3},
                          Setting{Compression::kZstd, 3}}) {
    for (const bool last : {false, true}) {
      const Bytes alone = on_fresh_thread(s.algorithm, s.level, {}, block, last);
      for (std::size_t h = 0; h < histories.size(); ++h)
        EXPECT_EQ(on_fresh_thread(s.algorithm, s.level, histories[h], block, last), alone)
            << compression_name(s.algorithm) << " level " << s.level << (last ? " last" : "")
            << ", after history " << h;
    }
  }
}

}  // namespace
}  // namespace layerpush::engine

namespace layerpush::engine {
namespace {

// The bytes after a block in memory are not the block's: whatever they hold must not change its
// encoding (a compressor's look-ahead may read past the end of its input).
TEST(BlockCodecTest, TheBytesAfterABlockInMemoryDoNotChangeIt) {
  const std::size_t kBlock = 1 << 20;
  const Bytes block = text_block(kBlock, 9);
  for (const auto algorithm : {Compression::kGzip, Compression::kZstd}) {
    for (const int level : {1, 3}) {
      std::vector<Bytes> results;
      for (const std::uint8_t filler : {0x00, 0xff, 0x20, 0x61}) {
        Bytes padded = block;
        padded.resize(kBlock + 4096, filler);
        results.push_back(compress_block(algorithm, level, std::span(padded).first(kBlock), false));
      }
      for (std::size_t i = 1; i < results.size(); ++i)
        EXPECT_EQ(results[i], results[0])
            << compression_name(algorithm) << " level " << level << ", filler " << i;
    }
  }
}

}  // namespace
}  // namespace layerpush::engine

namespace layerpush::engine {
namespace {

// ISA-L's level-1 body files a block's third position by where its stream lives
// (engine/compress/isal_stream.h): on every thread the block below must still come out as the
// placed stream makes it, with the match back to that position found.
TEST(BlockCodecTest, ALevelOneBlockIsTheSameOnEveryThreadWhateverItsStack) {
  const Bytes block = block_whose_third_position_matters();
  const auto placed = make_isal_stream();
  const Bytes expected = deflate_level1(*placed, block);
  std::vector<Bytes> results(16);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t)
    threads.emplace_back([&, t] {
      // A different depth of stack on each thread, as the callers' call chains differ.
      std::vector<char> depth(t * 40000);
      asm volatile("" : : "r"(depth.data()) : "memory");
      results[t] = compress_block(Compression::kGzip, 1, block, false);
    });
  for (auto& t : threads) t.join();
  for (std::size_t t = 0; t < results.size(); ++t)
    EXPECT_EQ(results[t], expected) << "thread " << t;
}

}  // namespace
}  // namespace layerpush::engine

namespace layerpush::engine {
namespace {

// One zstd frame of `block` at `level` with the frame-wide window, and the hash table size
// `hash_log` (0: the level's own), straight from libzstd.
Bytes zstd_reference(const Bytes& block, int level, int hash_log) {
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(), &ZSTD_freeCCtx);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_windowLog, 22);
  if (hash_log) ZSTD_CCtx_setParameter(context.get(), ZSTD_c_hashLog, hash_log);
  Bytes out(ZSTD_compressBound(block.size()));
  const std::size_t n =
      ZSTD_compress2(context.get(), out.data(), out.size(), block.data(), block.size());
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

// The zstd settings are part of the output format (a layer's digest): the default is level 2
// with a 2^14-entry hash table, any other level zstd's own tables.
TEST(BlockCodecTest, TheDefaultZstdIsLevelTwoWithASmallerHashTableOtherLevelsAreZstds) {
  const Bytes block = text_block(compress_block_size(Compression::kZstd), 11);
  ASSERT_EQ(default_level(Compression::kZstd), 2);
  EXPECT_EQ(compress_block(Compression::kZstd, 2, block, false), zstd_reference(block, 2, 14));
  EXPECT_NE(zstd_reference(block, 2, 14), zstd_reference(block, 2, 0))
      << "a test that shows nothing";
  EXPECT_EQ(compress_block(Compression::kZstd, 3, block, false), zstd_reference(block, 3, 0));
  EXPECT_EQ(compress_block(Compression::kZstd, 1, block, true), zstd_reference(block, 1, 0));
}

}  // namespace
}  // namespace layerpush::engine
