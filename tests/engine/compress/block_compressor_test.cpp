// BlockCompressor: gzip and zstd output that the system's gzip and zstd decompress to the input
// (gzip as one member: one header, one trailer), byte for byte the same whatever the thread
// count, the blocks in flight and the sizes of the pieces fed; and a sink that stops it.
#include "engine/compress/block_compressor.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "tests/support/process.h"

namespace layerpush::engine {
namespace {

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

// Compressible text with some variety, like a layer's files.
std::string text_bytes(std::size_t n, unsigned seed) {
  static const char* kWords[] = {"layer ", "push ", "registry ", "blob\n", "manifest ", "digest "};
  std::mt19937 rng(seed);
  std::string out;
  while (out.size() < n) out += std::string(kWords[rng() % 6]) + std::to_string(rng() % 1000);
  out.resize(n);
  return out;
}

std::string compress(CompressionSettings settings, const std::string& input, unsigned threads = 0,
                     std::size_t in_flight = 0, std::size_t piece = 256 << 10) {
  std::string out;
  BlockCompressor compressor(settings, [&](std::span<const std::byte> bytes) {
    out.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return true;
  }, threads, in_flight);
  for (std::size_t at = 0; at < input.size(); at += piece) {
    const auto n = std::min(piece, input.size() - at);
    EXPECT_TRUE(compressor.feed(std::as_bytes(std::span(input.data() + at, n))));
  }
  EXPECT_TRUE(compressor.finish());
  return out;
}

std::string decompress(Compression algorithm, const std::string& compressed) {
  auto result = testing::run_command(
      {algorithm == Compression::kGzip ? "gzip" : "zstd", "-dc"}, compressed);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return result.out;
}

class BlockCompressorTest : public ::testing::TestWithParam<Compression> {
 protected:
  static std::size_t block() { return compress_block_size(GetParam()); }
};

TEST_P(BlockCompressorTest, DecompressesToTheInput) {
  // Sizes around the block boundaries: empty, one byte, just under, at and over whole blocks.
  for (std::size_t size :
       {std::size_t{0}, std::size_t{1}, block() - 1, block(), 3 * block() + 12345}) {
    SCOPED_TRACE(size);
    const std::string input = text_bytes(size, 1);
    const auto out = compress({GetParam(), default_level(GetParam())}, input);
    EXPECT_TRUE(decompress(GetParam(), out) == input);
  }
}

TEST_P(BlockCompressorTest, IncompressibleInputRoundTrips) {
  const std::string input = random_bytes(2 * block() + 99, 2);
  const auto out = compress({GetParam(), default_level(GetParam())}, input);
  EXPECT_TRUE(decompress(GetParam(), out) == input);
}

TEST_P(BlockCompressorTest, SameBytesWhateverTheThreadsBlocksInFlightAndPieces) {
  const std::string input = text_bytes(5 * block() + 777, 3) + random_bytes(100000, 4);
  const CompressionSettings settings{GetParam(), default_level(GetParam())};
  const auto reference = compress(settings, input, 1, 1, 256 << 10);
  EXPECT_LT(reference.size(), input.size() / 2) << "text should compress";
  EXPECT_TRUE(compress(settings, input, 1, 1, 256 << 10) == reference) << "not deterministic";
  EXPECT_TRUE(compress(settings, input, 2, 3, 4096) == reference) << "depends on threads";
  EXPECT_TRUE(compress(settings, input, 4, 8, 3 << 20) == reference) << "depends on threads";
  EXPECT_TRUE(compress(settings, input, 0, 0, 1) == reference) << "depends on piece sizes";
}

TEST_P(BlockCompressorTest, EveryLevelRoundTrips) {
  const std::string input = text_bytes(block() + 5000, 5);
  const int levels = GetParam() == Compression::kGzip ? 3 : 19;
  for (int level = GetParam() == Compression::kGzip ? 0 : 1; level <= levels; level += 3) {
    SCOPED_TRACE(level);
    EXPECT_TRUE(decompress(GetParam(), compress({GetParam(), level}, input)) == input);
  }
}

TEST_P(BlockCompressorTest, SinkReturningFalseStopsIt) {
  const std::string input = random_bytes(8 * block(), 6);
  int calls = 0;
  BlockCompressor compressor({GetParam(), default_level(GetParam())},
                             [&](std::span<const std::byte>) { return ++calls < 2; });
  EXPECT_FALSE(compressor.feed(std::as_bytes(std::span(input.data(), input.size()))));
  EXPECT_FALSE(compressor.finish());
  EXPECT_EQ(calls, 2);
}

// Repeats further apart than a level's own window (1 MiB at level 2) are found inside a block.
TEST(BlockCompressorZstdTest, AFramesWindowSpansItsBlock) {
  const std::size_t half = compress_block_size(Compression::kZstd) / 2;
  const std::string once = random_bytes(half, 9);
  const std::string input = once + once;
  const auto out = compress({Compression::kZstd, 2}, input);
  EXPECT_LT(out.size(), half + half / 10) << "the second half should be one long match";
  EXPECT_TRUE(decompress(Compression::kZstd, out) == input);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, BlockCompressorTest,
                         ::testing::Values(Compression::kGzip, Compression::kZstd),
                         [](const auto& info) { return std::string(compression_name(info.param)); });

TEST(BlockCompressorGzipTest, IsOneMemberWithTheInputsSize) {
  const std::string input = text_bytes(3 * compress_block_size(Compression::kGzip) + 10, 7);
  const auto out = compress({Compression::kGzip, 1}, input);
  ASSERT_GT(out.size(), 18u);
  // Only one gzip header: the magic bytes would begin a second member.
  EXPECT_EQ(out.find("\x1f\x8b\x08", 1), std::string::npos);
  std::uint32_t isize = 0;
  for (int i = 3; i >= 0; --i) isize = (isize << 8) | static_cast<unsigned char>(out[out.size() - 4 + i]);
  EXPECT_EQ(isize, input.size());
  auto test = testing::run_command({"gzip", "-t"}, out);
  EXPECT_EQ(test.exit_code, 0) << test.err;
}

TEST(BlockCompressorGzipTest, CorruptedBlockIsCaughtByTheCrc) {
  const std::string input = random_bytes(2 * compress_block_size(Compression::kGzip), 8);
  auto out = compress({Compression::kGzip, 0}, input);
  out[out.size() / 2] ^= 0x01;  // inside a stored block: still valid deflate, other bytes
  EXPECT_NE(testing::run_command({"gzip", "-t"}, out).exit_code, 0);
}

}  // namespace
}  // namespace layerpush::engine
