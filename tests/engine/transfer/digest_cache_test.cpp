#include "engine/transfer/digest_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "engine/image/file_range_source.h"
#include "engine/image/inline_bytes_source.h"
#include "engine/transfer/spill_file.h"
#include "hashing/sha256.h"
#include "tests/support/process.h"

namespace layerpush::engine {
namespace {

CachedDigests digests_for(const std::string& seed) {
  return {hashing::sha256_of("sent " + seed), seed.size() * 1000,
          hashing::sha256_of("raw " + seed)};
}

// A lookup as a push makes it: the file's identity now, then the cache.
std::optional<CachedDigests> lookup(const DigestCache& cache, const BlobRecipe& recipe) {
  const auto id = DigestCache::identity_of(recipe);
  return id ? cache.find(*id) : std::nullopt;
}

class DigestCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_archive("archive bytes");
    settle();
  }

  // Files changed in the last DigestCache::kSettledAfter have no identity yet.
  static void settle() { std::this_thread::sleep_for(DigestCache::kSettledAfter * 12 / 10); }

  void write_archive(const std::string& bytes) {
    std::ofstream(archive_, std::ios::binary | std::ios::trunc) << bytes;
  }

  BlobRecipe layer(std::uint64_t offset = 0, Encoding encoding = Encoding::kGzip,
                   int level = 1) const {
    BlobRecipe r;
    r.source = file_range_source({archive_.string(), offset, 5});
    r.encoding = encoding;
    r.level = level;
    return r;
  }

  // Remembers `recipe` in a cache on `file_` the way a push does.
  void remember(const BlobRecipe& recipe, const CachedDigests& d,
                std::size_t max = DigestCache::kMaxEntries) {
    DigestCache cache(file_, max);
    const auto id = DigestCache::identity_of(recipe);
    ASSERT_TRUE(id);
    cache.remember(recipe, *id, d);
  }

  std::uintmax_t file_size() const { return std::filesystem::file_size(file_); }

  testing::TempDir temp_{"layerpush-digest-cache"};
  std::filesystem::path archive_ = temp_.path() / "saved.tar";
  std::filesystem::path file_ = temp_.path() / "cache" / "digests";
};

TEST_F(DigestCacheTest, ANewProcessFindsWhatAnEarlierOneLearnt) {
  EXPECT_EQ(lookup(DigestCache(file_), layer()), std::nullopt);
  remember(layer(), digests_for("a"));
  DigestCache again(file_);
  const auto found = lookup(again, layer());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->digest, digests_for("a").digest);
  EXPECT_EQ(found->size, 1000u);
  EXPECT_EQ(found->raw_digest, digests_for("a").raw_digest);
}

TEST_F(DigestCacheTest, AnotherRangeEncodingOrLevelIsAnotherEntry) {
  remember(layer(), digests_for("a"));
  DigestCache cache(file_);
  EXPECT_TRUE(lookup(cache, layer()));
  EXPECT_EQ(lookup(cache, layer(512)), std::nullopt);
  EXPECT_EQ(lookup(cache, layer(0, Encoding::kZstd, 1)), std::nullopt);
  EXPECT_EQ(lookup(cache, layer(0, Encoding::kGzip, 2)), std::nullopt);
}

TEST_F(DigestCacheTest, AFileWrittenAgainIsAMissEvenWithTheSameBytesAndSize) {
  remember(layer(), digests_for("a"));
  write_archive("archive bytes");  // same size and bytes; ctime (and the inode's times) move on
  settle();
  EXPECT_EQ(lookup(DigestCache(file_), layer()), std::nullopt);
}

TEST_F(DigestCacheTest, AFileReplacedByRenameIsAMiss) {
  remember(layer(), digests_for("a"));
  const auto copy = temp_.path() / "copy.tar";
  std::filesystem::copy_file(archive_, copy);
  std::filesystem::rename(copy, archive_);
  settle();
  EXPECT_EQ(lookup(DigestCache(file_), layer()), std::nullopt);
}

TEST_F(DigestCacheTest, WhatChangedWhileItWasReadIsNotRemembered) {
  DigestCache cache(file_);
  const auto before = DigestCache::identity_of(layer());
  ASSERT_TRUE(before);
  write_archive("archive bytes, longer now");
  cache.remember(layer(), *before, digests_for("a"));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(std::filesystem::exists(file_));
}

TEST_F(DigestCacheTest, ADamagedRecordDropsTheWholeFileAndItIsRebuilt) {
  remember(layer(), digests_for("a"));
  remember(layer(512), digests_for("b"));
  {
    std::fstream f(file_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(16 + 96 + 40);  // inside the second record's digest
    f.put('\x5a');
  }
  DigestCache broken(file_);
  EXPECT_EQ(broken.size(), 0u);
  EXPECT_EQ(lookup(broken, layer()), std::nullopt) << "an intact neighbour is not trusted either";
  EXPECT_FALSE(std::filesystem::exists(file_));
  remember(layer(), digests_for("c"));
  EXPECT_EQ(lookup(DigestCache(file_), layer())->digest, digests_for("c").digest);
}

TEST_F(DigestCacheTest, ATornRecordOrAForeignFileIsNotTrusted) {
  remember(layer(), digests_for("a"));
  std::ofstream(file_, std::ios::app | std::ios::binary) << "torn";
  EXPECT_EQ(DigestCache(file_).size(), 0u);
  std::ofstream(file_, std::ios::trunc) << "not a cache at all, but long enough to hold records\n";
  EXPECT_EQ(DigestCache(file_).size(), 0u);
}

TEST_F(DigestCacheTest, StaysBoundedKeepingTheNewest) {
  for (std::uint64_t i = 0; i < 9; ++i) remember(layer(i * 512), digests_for(std::to_string(i)), 4);
  DigestCache cache(file_, 4);
  EXPECT_LE(cache.size(), 4u);
  EXPECT_LE(file_size(), 16u + 4 * 96);
  EXPECT_TRUE(lookup(cache, layer(8 * 512))) << "the newest entry survives trimming";
  EXPECT_EQ(lookup(cache, layer(0)), std::nullopt) << "the oldest is gone";
}

TEST_F(DigestCacheTest, AFileJustChangedHasNoIdentityYet) {
  write_archive("archive bytes, changed");
  EXPECT_EQ(DigestCache::identity_of(layer()), std::nullopt);
  settle();
  EXPECT_TRUE(DigestCache::identity_of(layer()));
}

TEST_F(DigestCacheTest, NoFileMeansNoCache) {
  DigestCache none{std::filesystem::path()};
  const auto id = DigestCache::identity_of(layer());
  ASSERT_TRUE(id);
  none.remember(layer(), *id, digests_for("a"));
  EXPECT_EQ(lookup(none, layer()), std::nullopt);
}

TEST_F(DigestCacheTest, OnlyFileRangesHaveAnIdentity) {
  const BlobRecipe in_memory{
      std::make_shared<const InlineBytesSource>(std::make_shared<const std::string>("config"))};
  EXPECT_EQ(DigestCache::identity_of(in_memory), std::nullopt);
  BlobRecipe missing = layer();
  missing.source = file_range_source({(temp_.path() / "gone.tar").string(), 0, 5});
  EXPECT_EQ(DigestCache::identity_of(missing), std::nullopt);
  // A spill file is this process's alone: nothing to key a later push by.
  auto spill = SpillFile::create();
  ASSERT_NE(spill, nullptr);
  ASSERT_TRUE(spill->append(std::as_bytes(std::span("bytes", 5))));
  const BlobRecipe spilled{SpillFile::source(spill, 5)};
  EXPECT_EQ(DigestCache::identity_of(spilled), std::nullopt);
}

TEST(DigestCacheFileTest, FollowsXdgCacheHome) {
  const char* saved = std::getenv("XDG_CACHE_HOME");
  const std::string restore = saved ? saved : "";
  ::setenv("XDG_CACHE_HOME", "/cachehome", 1);
  EXPECT_EQ(DigestCache::default_file(), "/cachehome/layerpush/digests");
  if (saved)
    ::setenv("XDG_CACHE_HOME", restore.c_str(), 1);
  else
    ::unsetenv("XDG_CACHE_HOME");
}

}  // namespace
}  // namespace layerpush::engine
