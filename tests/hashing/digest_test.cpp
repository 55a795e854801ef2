#include "hashing/digest.h"

#include <gtest/gtest.h>

#include "hashing/sha256.h"

namespace layerpush::hashing {
namespace {

TEST(DigestTest, ParsesCanonicalSha256) {
  const std::string text = "sha256:" + std::string(64, 'a');
  auto digest = Digest::parse(text);
  ASSERT_TRUE(digest);
  EXPECT_EQ(digest->str(), text);
  EXPECT_EQ(digest->hex(), std::string(64, 'a'));
  EXPECT_EQ(digest->short_hex(), std::string(12, 'a'));
}

TEST(DigestTest, RefusesWithTheRuleBroken) {
  std::string why;
  EXPECT_FALSE(Digest::parse(std::string(64, 'a'), &why));
  EXPECT_NE(why.find("no algorithm"), std::string::npos) << why;
  EXPECT_FALSE(Digest::parse("sha512:" + std::string(128, 'a'), &why));
  EXPECT_NE(why.find("only sha256"), std::string::npos) << why;
  EXPECT_FALSE(Digest::parse("sha256:" + std::string(63, 'a'), &why));
  EXPECT_NE(why.find("63 hex digits"), std::string::npos) << why;
  EXPECT_FALSE(Digest::parse("sha256:" + std::string(64, 'A'), &why));
  EXPECT_NE(why.find("lowercase hex"), std::string::npos) << why;
  EXPECT_FALSE(Digest::parse("sha256:" + std::string(63, 'a') + "g", &why));
}

TEST(Sha256Test, MatchesKnownVectors) {
  EXPECT_EQ(sha256_of("").str(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_of("abc").str(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, IncrementalEqualsOneShotAndRestartsAfterFinish) {
  std::string data(100000, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + 7);
  Sha256 hasher;
  const auto bytes = std::as_bytes(std::span(data.data(), data.size()));
  hasher.update(bytes.subspan(0, 1));
  hasher.update(bytes.subspan(1, 4095));
  hasher.update(bytes.subspan(4096));
  EXPECT_EQ(hasher.finish(), sha256_of(data));
  hasher.update(std::as_bytes(std::span("abc", 3)));
  EXPECT_EQ(hasher.finish(), sha256_of("abc"));
}

}  // namespace
}  // namespace layerpush::hashing
