// VerifiedRangeWriter over a counts-only BlobPipe: every byte given is hashed, the pipe carries
// counts that add up to the bytes given, and the last count stays back until release_last().
#include "engine/transfer/verified_range_writer.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <vector>

#include "engine/http/body_reader.h"
#include "hashing/sha256.h"

namespace layerpush::engine {
namespace {
namespace asio = boost::asio;

// Counts are made once this many bytes are pending; pieces given are at most kVerifyReadSize.
constexpr std::size_t kCount = 30000;
static_assert(kCount <= kVerifyReadSize);

// Reads counts with next_count until `total` bytes have been counted; returns them in order.
std::vector<std::size_t> read_counts(asio::io_context& ioc, std::shared_ptr<BlobPipe> pipe,
                                     std::uint64_t total, bool* ended_cleanly) {
  std::vector<std::size_t> counts;
  asio::co_spawn(
      ioc,
      [&, pipe]() -> asio::awaitable<void> {
        BodyReader reader(pipe);
        for (std::uint64_t seen = 0; seen < total;) {
          const std::size_t n = co_await reader.next_count(1 << 30);
          counts.push_back(n);
          seen += n;
        }
        co_await reader.expect_end();
        *ended_cleanly = true;
      },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  ioc.run_for(std::chrono::seconds(2));
  return counts;
}

std::vector<std::byte> pattern(std::size_t n, int seed) {
  std::vector<std::byte> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>((i * 7 + seed) % 253);
  return out;
}

TEST(VerifiedRangeWriterTest, CountsAddUpAndEveryByteIsHashed) {
  asio::io_context ioc;
  auto pipe = std::make_shared<BlobPipe>(ioc.get_executor(), 4, kCount,
                                         BlobPipe::Memory::kCountsOnly);
  ASSERT_TRUE(pipe->counts_only());
  hashing::Sha256 hash;
  hashing::Sha256 reference;
  VerifiedRangeWriter writer(*pipe, hash);
  std::uint64_t total = 0;
  for (int i = 0; i < 5; ++i) {  // 20,000 bytes each: a count every second piece, then the rest
    std::byte* piece = writer.take();
    const auto bytes = pattern(20000, i);
    std::copy(bytes.begin(), bytes.end(), piece);
    reference.update(bytes);
    ASSERT_TRUE(writer.give(piece, bytes.size()));
    total += bytes.size();
  }
  EXPECT_EQ(writer.bytes_given(), total);
  EXPECT_EQ(hash.finish(), reference.finish());
  ASSERT_TRUE(writer.release_last());
  pipe->finish();
  bool ended = false;
  const auto counts = read_counts(ioc, pipe, total, &ended);
  EXPECT_TRUE(ended);
  EXPECT_EQ(counts, (std::vector<std::size_t>{40000, 40000, 20000}));
}

TEST(VerifiedRangeWriterTest, HoldsTheLastCountBackUntilReleased) {
  asio::io_context ioc;
  auto pipe = std::make_shared<BlobPipe>(ioc.get_executor(), 4, kCount,
                                         BlobPipe::Memory::kCountsOnly);
  hashing::Sha256 hash;
  VerifiedRangeWriter writer(*pipe, hash);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(writer.give(writer.take(), kCount));
  // Three counts are made, but only the first two may be sent: the consumer, asking for all
  // 3 * kCount bytes, gets 2 * kCount and then waits.
  bool ended = false;
  const auto counts = read_counts(ioc, pipe, 3 * kCount, &ended);
  EXPECT_FALSE(ended);
  EXPECT_EQ(counts, (std::vector<std::size_t>{kCount, kCount}));
}

TEST(VerifiedRangeWriterTest, StopsWhenTheConsumerClosed) {
  asio::io_context ioc;
  auto pipe = std::make_shared<BlobPipe>(ioc.get_executor(), 2, kCount,
                                         BlobPipe::Memory::kCountsOnly);
  hashing::Sha256 hash;
  VerifiedRangeWriter writer(*pipe, hash);
  pipe->close();
  EXPECT_FALSE(writer.give(writer.take(), kCount));
}

}  // namespace
}  // namespace layerpush::engine
