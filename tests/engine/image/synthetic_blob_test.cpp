// Synthetic blobs: exactly LENGTH bytes, the same for the same seed (so the digest found in a
// first pass holds for the upload), different for another seed, incompressible-looking, and
// their source hashes them like stored bytes.
#include "engine/image/synthetic_blob.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "hashing/sha256.h"
#include "io/range_reader.h"

namespace layerpush::engine {
namespace {

std::string bytes_of(std::uint64_t seed, std::uint64_t length) {
  std::string out;
  EXPECT_TRUE(generate_synthetic(seed, length, [&](std::span<const std::byte> piece) {
    EXPECT_LE(piece.size(), 256u << 10);
    out.append(reinterpret_cast<const char*>(piece.data()), piece.size());
    return true;
  }));
  return out;
}

TEST(SyntheticBlobTest, LengthIsExactAndBytesRepeatForASeed) {
  for (std::uint64_t length : {0ull, 1ull, 7ull, 262144ull, 262145ull, 1000003ull}) {
    const auto a = bytes_of(11, length);
    EXPECT_EQ(a.size(), length);
    EXPECT_EQ(a, bytes_of(11, length));
  }
  // A shorter blob of the same seed is a prefix of the longer one.
  EXPECT_EQ(bytes_of(11, 1000003).substr(0, 300000), bytes_of(11, 300000));
}

// Collects what generate_synthetic_into() makes in its buffers; stops after `limit` of them.
class CollectingExchange final : public io::BufferExchange {
 public:
  explicit CollectingExchange(int limit = 1 << 30) : limit_(limit) {}
  std::byte* take() override { return buffer_.data(); }
  bool give(std::byte* buffer, std::size_t size) override {
    EXPECT_EQ(buffer, buffer_.data());
    bytes.append(reinterpret_cast<const char*>(buffer), size);
    return ++given < limit_;
  }
  void discard(std::byte*) override {}
  std::string bytes;
  int given = 0;

 private:
  std::vector<std::byte> buffer_ = std::vector<std::byte>(kSyntheticPiece);
  int limit_;
};

TEST(SyntheticBlobTest, BytesMadeInTheConsumersBuffersAreTheSame) {
  for (std::uint64_t length : {0ull, 1ull, 13ull, 262144ull, 262149ull, 1000003ull}) {
    CollectingExchange exchange;
    EXPECT_TRUE(generate_synthetic_into(11, length, exchange));
    EXPECT_EQ(exchange.bytes, bytes_of(11, length)) << length;
  }
  CollectingExchange stopping(2);
  EXPECT_FALSE(generate_synthetic_into(11, 4 << 20, stopping));
  EXPECT_EQ(stopping.given, 2);
}

TEST(SyntheticBlobTest, SeedsGiveDifferentBytes) {
  EXPECT_NE(bytes_of(1, 4096), bytes_of(2, 4096));
  EXPECT_NE(hashing::sha256_of(bytes_of(1, 1 << 20)), hashing::sha256_of(bytes_of(2, 1 << 20)));
}

TEST(SyntheticBlobTest, BytesLookRandom) {
  // Every byte value about equally often: what gzip could not shrink.
  const auto bytes = bytes_of(5, 1 << 20);
  std::array<int, 256> counts{};
  for (unsigned char c : bytes) ++counts[c];
  for (int count : counts) {
    EXPECT_GT(count, 4096 * 0.85);
    EXPECT_LT(count, 4096 * 1.15);
  }
}

TEST(SyntheticBlobTest, StopsWhenAsked) {
  int pieces = 0;
  EXPECT_FALSE(
      generate_synthetic(3, 4 << 20, [&](std::span<const std::byte>) { return ++pieces < 2; }));
  EXPECT_EQ(pieces, 2);
}

TEST(SyntheticBlobTest, TheSourceHashesTheBytes) {
  const SyntheticSource source(9, 700001);
  EXPECT_EQ(source.length(), 700001u);
  std::string sunk;
  const auto produced = source.read({}, [&](std::span<const std::byte> piece) {
    sunk.append(reinterpret_cast<const char*>(piece.data()), piece.size());
    return true;
  });
  ASSERT_TRUE(produced);
  EXPECT_EQ(sunk, bytes_of(9, 700001));
  EXPECT_EQ(produced->size, 700001u);
  EXPECT_EQ(produced->digest, hashing::sha256_of(sunk));
  EXPECT_EQ(produced->raw_digest, produced->digest);
}

}  // namespace
}  // namespace layerpush::engine
