#include "engine/sync/shard.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/util/error.h"

namespace layerpush::engine {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_shard(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    return e.what();
  }
  return "(accepted)";
}

std::string key(int i) { return "registry.example.com/team/app" + std::to_string(i) + ":v1"; }

TEST(Shard, ParsesZeroBasedIndexOverCount) {
  const auto first = parse_shard("0/4");
  EXPECT_EQ(first.index, 0u);
  EXPECT_EQ(first.count, 4u);
  const auto last = parse_shard("3/4");
  EXPECT_EQ(last.index, 3u);
  EXPECT_EQ(parse_shard("0/1").count, 1u);
  EXPECT_EQ(parse_shard("07/10").index, 7u);
}

TEST(Shard, RefusesEachRuleByName) {
  const std::string form = ": must be INDEX/COUNT in decimal, as in 0/4 (the first of four shards)";
  for (const std::string text : {"", "1", "/4", "1/", "a/4", "-1/4", "+1/4", " 1/4", "1/4/5",
                                 "1.0/4", "1/99999999999"})
    EXPECT_EQ(error_of(text), "--shard \"" + text + "\"" + form);
  EXPECT_EQ(error_of("0/0"), "--shard \"0/0\": the count of shards must be at least 1");
  EXPECT_EQ(error_of("4/4"), "--shard \"4/4\": the index must be 0 to 3 (shards count from 0)");
  EXPECT_EQ(error_of("1/1"), "--shard \"1/1\": the index must be 0 to 0 (shards count from 0)");
}

TEST(Shard, EveryKeyLandsInExactlyOneShard) {
  for (std::uint32_t count : {1u, 2u, 3u, 4u, 7u}) {
    for (int i = 0; i < 200; ++i) {
      int shards = 0;
      for (std::uint32_t index = 0; index < count; ++index)
        shards += in_shard(key(i), {index, count});
      EXPECT_EQ(shards, 1) << key(i) << " over " << count;
    }
  }
}

TEST(Shard, SplitIsRoughlyEven) {
  constexpr std::uint32_t kCount = 4;
  std::vector<int> sizes(kCount);
  for (int i = 0; i < 1000; ++i) ++sizes[shard_of(key(i), kCount)];
  for (std::uint32_t s = 0; s < kCount; ++s) {
    // 250 expected; a binomial's standard deviation here is about 14, so 200..300 is > 3.5 sigma.
    EXPECT_GT(sizes[s], 200) << "shard " << s;
    EXPECT_LT(sizes[s], 300) << "shard " << s;
  }
}

// Golden values: if these change, the hash changed, and runs of different layerpush versions in
// one sharded job would copy some images twice and others never.
TEST(Shard, KnownKeysMapToFixedShards) {
  // XXH3_64bits("") is 0x2D06800538D394C2 in xxHash's own test vectors: 138 modulo 1000.
  EXPECT_EQ(shard_of("", 1000), 138u);
  EXPECT_EQ(shard_of("quay.io/coreos/etcd:v3.5.0", 1000), 787u);
  EXPECT_EQ(shard_of("docker.io/library/nginx:1.25.3", 1000), 170u);
  EXPECT_EQ(shard_of("docker.io/library/nginx:1.25.3", 4), 2u);
  EXPECT_TRUE(in_shard("anything", {0, 1}));
}

}  // namespace
}  // namespace layerpush::engine
