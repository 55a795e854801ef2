// produce_into_pipe() over a counts-only pipe, as the network uses it when it sends from the file:
// a file's bytes are read and checked against the expected digest before the last count goes (a
// file shorter than its blob is an error naming it), while a spill file's bytes, hashed when
// they were written, are only counted (not read again).
#include "engine/transfer/blob_producer.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "engine/http/body_reader.h"
#include "engine/util/error.h"
#include "engine/transfer/spill_file.h"
#include "engine/transfer/verified_range_writer.h"
#include "hashing/sha256.h"

namespace layerpush::engine {
namespace {
namespace asio = boost::asio;

struct Outcome {
  std::uint64_t counted = 0;
  bool ended_cleanly = false;
  std::exception_ptr error;
};

// Produces `recipe` into a counts-only pipe, claiming `expected`, and reads every count.
Outcome produce(const BlobRecipe& recipe, const ExpectedBlob& expected) {
  asio::io_context ioc;
  auto pipe =
      std::make_shared<BlobPipe>(ioc.get_executor(), 4, kCountBytes, BlobPipe::Memory::kCountsOnly);
  Outcome outcome;
  std::thread producer([&] { produce_into_pipe(pipe, recipe, expected, io::Backend::kPread); });
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        BodyReader reader(pipe);
        while (outcome.counted < expected.size)
          outcome.counted += co_await reader.next_count(expected.size - outcome.counted);
        co_await reader.expect_end();
        outcome.ended_cleanly = true;
      },
      [&](std::exception_ptr e) { outcome.error = e; });
  ioc.run_for(std::chrono::seconds(10));
  pipe->close();  // a producer still waiting for room (a failed test) returns
  producer.join();
  return outcome;
}

const std::string kBytes(3 * kCountBytes + 12345, 'x');
// A digest the bytes do not have: only reading them could tell.
const hashing::Digest kOtherDigest = hashing::sha256_of(std::string("something else"));

TEST(BlobProducerTest, AFilesBytesAreCheckedAgainstTheExpectedDigest) {
  const std::string path = ::testing::TempDir() + "/blob_producer_test.bin";
  std::ofstream(path, std::ios::binary) << kBytes;
  BlobRecipe recipe;
  recipe.path = path;
  recipe.length = kBytes.size();

  const auto good = produce(recipe, {hashing::sha256_of(kBytes), kBytes.size()});
  EXPECT_EQ(good.error, nullptr);
  EXPECT_TRUE(good.ended_cleanly);
  EXPECT_EQ(good.counted, kBytes.size());

  const auto bad = produce(recipe, {kOtherDigest, kBytes.size()});
  ASSERT_NE(bad.error, nullptr);
  try {
    std::rethrow_exception(bad.error);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorrupt) << e.what();
  }
  EXPECT_FALSE(bad.ended_cleanly);
}

// A file shorter than its blob: the stream ends with an error naming the file, and the bytes
// that were there do not all go (the last count waits for the digest).
TEST(BlobProducerTest, AFileShorterThanItsBlobIsAnErrorNamingTheFile) {
  const std::string path = ::testing::TempDir() + "/blob_producer_short.bin";
  std::ofstream(path, std::ios::binary) << kBytes;
  BlobRecipe recipe;
  recipe.path = path;
  recipe.length = kBytes.size() + 2 * kCountBytes;

  const auto outcome = produce(recipe, {hashing::sha256_of(kBytes), recipe.length});
  ASSERT_NE(outcome.error, nullptr);
  try {
    std::rethrow_exception(outcome.error);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kLocalRead) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_FALSE(outcome.ended_cleanly);
  EXPECT_LT(outcome.counted, kBytes.size());
}

TEST(BlobProducerTest, ASpillFilesBytesAreCountedWithoutBeingReadAgain) {
  auto spill = SpillFile::create();
  ASSERT_NE(spill, nullptr);
  ASSERT_TRUE(spill->append(std::as_bytes(std::span(kBytes.data(), kBytes.size()))));
  BlobRecipe recipe;
  recipe.path = spill->path();
  recipe.length = kBytes.size();
  recipe.spill = spill;

  const auto outcome = produce(recipe, {kOtherDigest, kBytes.size()});
  EXPECT_EQ(outcome.error, nullptr);
  EXPECT_TRUE(outcome.ended_cleanly);
  EXPECT_EQ(outcome.counted, kBytes.size());
}

}  // namespace
}  // namespace layerpush::engine
