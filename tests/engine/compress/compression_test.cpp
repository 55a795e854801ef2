// Compression names, defaults and the level rules --compress-level is checked against.
#include "engine/compress/compression.h"

#include <gtest/gtest.h>

namespace layerpush::engine {
namespace {

TEST(CompressionTest, ParsesTheThreeNamesOnly) {
  EXPECT_EQ(parse_compression("gzip"), Compression::kGzip);
  EXPECT_EQ(parse_compression("zstd"), Compression::kZstd);
  EXPECT_EQ(parse_compression("none"), Compression::kNone);
  EXPECT_EQ(parse_compression("GZIP"), std::nullopt);
  EXPECT_EQ(parse_compression(""), std::nullopt);
  EXPECT_EQ(parse_compression("xz"), std::nullopt);
}

TEST(CompressionTest, DefaultsAreAllowed) {
  EXPECT_EQ(level_problem(Compression::kGzip, default_level(Compression::kGzip)), "");
  EXPECT_EQ(level_problem(Compression::kZstd, default_level(Compression::kZstd)), "");
}

TEST(CompressionTest, GzipLevelsAreZeroToThree) {
  for (int level = 0; level <= 3; ++level) EXPECT_EQ(level_problem(Compression::kGzip, level), "");
  EXPECT_EQ(level_problem(Compression::kGzip, 4),
            "--compress-level 4 is out of range; gzip levels are 0 to 3");
  EXPECT_EQ(level_problem(Compression::kGzip, -1),
            "--compress-level -1 is out of range; gzip levels are 0 to 3");
}

TEST(CompressionTest, ZstdLevelsAreOneToTwentyTwo) {
  EXPECT_EQ(level_problem(Compression::kZstd, 1), "");
  EXPECT_EQ(level_problem(Compression::kZstd, 22), "");
  EXPECT_EQ(level_problem(Compression::kZstd, 0),
            "--compress-level 0 is out of range; zstd levels are 1 to 22");
  EXPECT_EQ(level_problem(Compression::kZstd, 23),
            "--compress-level 23 is out of range; zstd levels are 1 to 22");
}

TEST(CompressionTest, NoLevelAppliesToNone) {
  EXPECT_EQ(level_problem(Compression::kNone, 1),
            "--compress-level 1 does not apply; --compress none sends layers uncompressed");
}

}  // namespace
}  // namespace layerpush::engine
