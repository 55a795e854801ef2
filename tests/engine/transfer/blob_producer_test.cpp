// produce_into_pipe() over a pipe of buffers, for each kind of source: a file range read into the
// pipe's buffers, inline bytes copied in, synthetic bytes made in them, a compressing recipe
// encoded on the way; a corrupt blob ends with an error before its last bytes go. And over a
// counts-only pipe, as the network uses it when it sends from the file: a file's bytes are read
// and checked against the expected digest before the last count goes (a file shorter than its
// blob is an error naming it), while a spill file's bytes, hashed when they were written, are
// only counted (not read again).
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
#include "engine/image/file_range_source.h"
#include "engine/image/inline_bytes_source.h"
#include "engine/image/synthetic_blob.h"
#include "engine/transfer/spill_file.h"
#include "engine/transfer/verified_range_writer.h"
#include "engine/util/error.h"
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

// Produces `recipe` into a pipe of buffers, claiming `expected`, and reads every byte.
struct BytesOutcome {
  std::string bytes;
  bool ended_cleanly = false;
  std::exception_ptr error;
};
BytesOutcome produce_bytes(const BlobRecipe& recipe, const ExpectedBlob& expected) {
  asio::io_context ioc;
  auto pipe = std::make_shared<BlobPipe>(ioc.get_executor(), kBuffersPerBlob, kBlobBufferSize);
  BytesOutcome outcome;
  std::thread producer([&] { produce_into_pipe(pipe, recipe, expected, io::Backend::kPread); });
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        BodyReader reader(pipe);
        while (outcome.bytes.size() < expected.size) {
          const auto piece = co_await reader.next(expected.size - outcome.bytes.size());
          outcome.bytes.append(reinterpret_cast<const char*>(piece.data()), piece.size());
        }
        co_await reader.expect_end();
        outcome.ended_cleanly = true;
      },
      [&](std::exception_ptr e) { outcome.error = e; });
  ioc.run_for(std::chrono::seconds(10));
  pipe->close();
  producer.join();
  return outcome;
}

ErrorKind kind_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return e.kind();
  } catch (...) {
  }
  ADD_FAILURE() << "not an engine::Error";
  return ErrorKind::kUsage;
}

const std::string kBytes(3 * kCountBytes + 12345, 'x');
// A digest the bytes do not have: only reading them could tell.
const hashing::Digest kOtherDigest = hashing::sha256_of(std::string("something else"));

TEST(BlobProducerTest, AFilesBytesAreCheckedAgainstTheExpectedDigest) {
  const std::string path = ::testing::TempDir() + "/blob_producer_test.bin";
  std::ofstream(path, std::ios::binary) << kBytes;
  const BlobRecipe recipe{file_range_source({path, 0, kBytes.size()})};

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
  const std::uint64_t length = kBytes.size() + 2 * kCountBytes;
  const BlobRecipe recipe{file_range_source({path, 0, length})};

  const auto outcome = produce(recipe, {hashing::sha256_of(kBytes), length});
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
  const BlobRecipe recipe{SpillFile::source(spill, kBytes.size())};

  const auto outcome = produce(recipe, {kOtherDigest, kBytes.size()});
  EXPECT_EQ(outcome.error, nullptr);
  EXPECT_TRUE(outcome.ended_cleanly);
  EXPECT_EQ(outcome.counted, kBytes.size());
}

std::string synthetic_bytes(std::uint64_t seed, std::uint64_t length) {
  std::string out;
  generate_synthetic(seed, length, [&](std::span<const std::byte> piece) {
    out.append(reinterpret_cast<const char*>(piece.data()), piece.size());
    return true;
  });
  return out;
}

TEST(BlobProducerTest, AFileRangeGoesThroughThePipesBuffersChecked) {
  const std::string path = ::testing::TempDir() + "/blob_producer_range.bin";
  const std::string contents = synthetic_bytes(4, 3 * kBlobBufferSize);
  std::ofstream(path, std::ios::binary) << contents;
  const std::string range = contents.substr(1000, 2 * kBlobBufferSize + 77);
  const BlobRecipe recipe{file_range_source({path, 1000, range.size()})};

  const auto good = produce_bytes(recipe, {hashing::sha256_of(range), range.size()});
  EXPECT_EQ(good.error, nullptr);
  EXPECT_TRUE(good.ended_cleanly);
  EXPECT_TRUE(good.bytes == range) << "other bytes went through the pipe";

  const auto bad = produce_bytes(recipe, {kOtherDigest, range.size()});
  ASSERT_NE(bad.error, nullptr);
  EXPECT_EQ(kind_of(bad.error), ErrorKind::kCorrupt);
  EXPECT_LT(bad.bytes.size(), range.size()) << "the last buffer left before the digest was checked";
}

TEST(BlobProducerTest, InlineBytesAreCopiedIn) {
  auto config = std::make_shared<const std::string>(R"({"os":"linux"})");
  const BlobRecipe recipe{std::make_shared<const InlineBytesSource>(config)};
  const auto outcome = produce_bytes(recipe, {hashing::sha256_of(*config), config->size()});
  EXPECT_EQ(outcome.error, nullptr);
  EXPECT_EQ(outcome.bytes, *config);
}

TEST(BlobProducerTest, ACompressingRecipeSendsWhatProduceBlobMakes) {
  const std::string path = ::testing::TempDir() + "/blob_producer_gzip.bin";
  std::ofstream(path, std::ios::binary) << kBytes;
  const BlobRecipe recipe{file_range_source({path, 0, kBytes.size()}), Encoding::kGzip};
  std::string gzip;
  const auto made = produce_blob(recipe, {}, [&](std::span<const std::byte> piece) {
    gzip.append(reinterpret_cast<const char*>(piece.data()), piece.size());
    return true;
  });
  ASSERT_TRUE(made);
  EXPECT_EQ(made->raw_digest, hashing::sha256_of(kBytes));
  const auto outcome = produce_bytes(recipe, {made->digest, made->size});
  EXPECT_EQ(outcome.error, nullptr);
  EXPECT_TRUE(outcome.bytes == gzip);
}

// Made in the pipe's buffers and, once their digest is known, not hashed again: a source told
// another digest than its bytes have is believed (only a registry could tell), and one that was
// told none is checked like any other.
TEST(BlobProducerTest, SyntheticBytesAreMadeInThePipeAndHashedOnlyWhileTheirDigestIsUnknown) {
  const std::uint64_t length = 2 * kBlobBufferSize + 5;
  const std::string bytes = synthetic_bytes(7, length);
  const auto digest = hashing::sha256_of(bytes);

  const auto known = produce_bytes(
      BlobRecipe{std::make_shared<const SyntheticSource>(7, length, digest)}, {digest, length});
  EXPECT_EQ(known.error, nullptr);
  EXPECT_TRUE(known.bytes == bytes);

  const auto believed =
      produce_bytes(BlobRecipe{std::make_shared<const SyntheticSource>(7, length, kOtherDigest)},
                    {kOtherDigest, length});
  EXPECT_EQ(believed.error, nullptr);
  EXPECT_TRUE(believed.ended_cleanly);

  const auto checked = produce_bytes(BlobRecipe{std::make_shared<const SyntheticSource>(7, length)},
                                     {kOtherDigest, length});
  ASSERT_NE(checked.error, nullptr);
  EXPECT_EQ(kind_of(checked.error), ErrorKind::kCorrupt);
}

}  // namespace
}  // namespace layerpush::engine
