// produce_blob over the file-range and inline-bytes sources: as stored or gzip-compressed, with
// both digests, and early stops.
#include "engine/image/blob_recipe.h"

#include <gtest/gtest.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "engine/image/file_range_source.h"
#include "engine/image/inline_bytes_source.h"
#include "hashing/sha256.h"
#include "tests/support/process.h"

namespace layerpush::engine {
namespace {

// A digest as text (or "(none)"), so that a failed comparison prints readably.
std::string text(const hashing::Digest& d) { return d.str(); }

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

// Compressible: words repeating with variation, like the text files of a layer.
std::string text_bytes(std::size_t n) {
  static const char* kWords[] = {"layer ", "push ", "registry ", "blob\n", "manifest ", "digest "};
  std::string out;
  for (std::size_t i = 0; out.size() < n; ++i) out += kWords[(i * 7 + i / 5) % 6];
  out.resize(n);
  return out;
}

std::uint32_t le32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

// Decompresses one whole gzip stream with ISA-L (which checks its CRC) and checks the header and
// trailer by hand; fails the test if the stream is invalid or followed by other bytes.
std::string gunzip(const std::string& gz) {
  EXPECT_GE(gz.size(), 18u) << "too short for a gzip stream";
  if (gz.size() < 18) return {};
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  EXPECT_EQ(gz[2], 8) << "compression method is not deflate";

  inflate_state state;
  isal_inflate_init(&state);
  state.crc_flag = ISAL_GZIP;
  state.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(gz.data()));
  state.avail_in = static_cast<std::uint32_t>(gz.size());
  std::string out;
  std::vector<std::uint8_t> piece(64 << 10);
  while (state.block_state != ISAL_BLOCK_FINISH) {
    state.next_out = piece.data();
    state.avail_out = static_cast<std::uint32_t>(piece.size());
    const int result = isal_inflate(&state);
    if (result < 0) {
      ADD_FAILURE() << "isal_inflate failed with " << result;
      return out;
    }
    const std::size_t produced = piece.size() - state.avail_out;
    out.append(reinterpret_cast<const char*>(piece.data()), produced);
    if (state.block_state != ISAL_BLOCK_FINISH && state.avail_in == 0 && produced == 0) {
      ADD_FAILURE() << "gzip stream is truncated";
      return out;
    }
  }
  EXPECT_EQ(state.avail_in, 0u) << "bytes follow the gzip stream";
  const std::uint32_t crc =
      crc32_gzip_refl(0, reinterpret_cast<const unsigned char*>(out.data()), out.size());
  EXPECT_EQ(le32(gz, gz.size() - 8), crc) << "trailer CRC32";
  EXPECT_EQ(le32(gz, gz.size() - 4), static_cast<std::uint32_t>(out.size())) << "trailer ISIZE";
  return out;
}

BlobRecipe file_recipe(const std::string& path, std::uint64_t offset, std::uint64_t length,
                       Encoding encoding) {
  return BlobRecipe{file_range_source({path, offset, length}), encoding};
}

BlobRecipe inline_recipe(std::shared_ptr<const std::string> bytes) {
  return BlobRecipe{std::make_shared<const InlineBytesSource>(std::move(bytes))};
}

// A temporary file holding random bytes, several of the reader's pieces (kBlobBufferSize) long
// so that a range arrives in many pieces, read with pread.
class ProduceBlobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    contents_ = random_bytes(1 << 20, 7) + text_bytes(400 << 10);
    path_ = (dir_.path() / "data").string();
    std::ofstream(path_, std::ios::binary) << contents_;
  }

  // Runs produce_blob, collecting what reaches the sink into `produced_`.
  std::optional<ProducedBlob> produce(const BlobRecipe& recipe) {
    produced_.clear();
    return produce_blob(recipe, how_, [&](std::span<const std::byte> piece) {
      produced_.append(reinterpret_cast<const char*>(piece.data()), piece.size());
      return true;
    });
  }

  testing::TempDir dir_;
  std::string contents_;
  std::string path_;
  const SourceReading how_{.backend = io::Backend::kPread};
  std::string produced_;
};

TEST_F(ProduceBlobTest, AsStoredFileRangeHashesThoseBytes) {
  const std::uint64_t offset = 12345, length = 500001;
  const std::string range = contents_.substr(offset, length);
  auto blob = produce(file_recipe(path_, offset, length, Encoding::kAsStored));
  ASSERT_TRUE(blob);
  EXPECT_TRUE(produced_ == range) << "the sink got other bytes";
  EXPECT_EQ(text(blob->digest), text(hashing::sha256_of(range)));
  EXPECT_EQ(blob->size, length);
  EXPECT_EQ(text(blob->raw_digest), text(blob->digest));
  EXPECT_NE(text(blob->digest), text(hashing::sha256_of(contents_.substr(0, length))));
}

TEST_F(ProduceBlobTest, AsStoredRangeAtTheEndOfTheFile) {
  const std::uint64_t offset = contents_.size() - 1000;
  auto blob = produce(file_recipe(path_, offset, 1000, Encoding::kAsStored));
  ASSERT_TRUE(blob);
  EXPECT_EQ(text(blob->digest), text(hashing::sha256_of(contents_.substr(offset))));
  EXPECT_EQ(blob->size, 1000u);
}

TEST_F(ProduceBlobTest, GzipFileRangeHashesBothSides) {
  const std::uint64_t offset = 4097, length = 600000;
  const std::string range = contents_.substr(offset, length);
  auto blob = produce(file_recipe(path_, offset, length, Encoding::kGzip));
  ASSERT_TRUE(blob);
  EXPECT_EQ(text(blob->raw_digest), text(hashing::sha256_of(range)));
  EXPECT_EQ(text(blob->digest), text(hashing::sha256_of(produced_)));
  EXPECT_EQ(blob->size, produced_.size());
  EXPECT_NE(text(blob->digest), text(blob->raw_digest));
  EXPECT_TRUE(gunzip(produced_) == range) << "the produced bytes are not the gzip of the range";

  // The same recipe read again gives the same bytes: a layer's digest is reproducible.
  const std::string first = produced_;
  auto again = produce(file_recipe(path_, offset, length, Encoding::kGzip));
  ASSERT_TRUE(again);
  EXPECT_EQ(text(again->digest), text(blob->digest));
  EXPECT_TRUE(produced_ == first);
}

TEST_F(ProduceBlobTest, EmptyRange) {
  const auto empty = hashing::sha256_of(std::string_view());
  auto stored = produce(file_recipe(path_, 100, 0, Encoding::kAsStored));
  ASSERT_TRUE(stored);
  EXPECT_EQ(text(stored->digest), text(empty));
  EXPECT_EQ(stored->size, 0u);
  EXPECT_TRUE(produced_.empty());

  auto gz = produce(file_recipe(path_, 100, 0, Encoding::kGzip));
  ASSERT_TRUE(gz);
  EXPECT_EQ(text(gz->raw_digest), text(empty));
  EXPECT_EQ(text(gz->digest), text(hashing::sha256_of(produced_)));
  EXPECT_EQ(gz->size, produced_.size());
  EXPECT_TRUE(gunzip(produced_).empty());
}

TEST_F(ProduceBlobTest, InlineBytesAsStoredAndGzip) {
  auto config = std::make_shared<const std::string>(R"({"architecture":"amd64","os":"linux"})");
  BlobRecipe recipe = inline_recipe(config);
  auto stored = produce(recipe);
  ASSERT_TRUE(stored);
  EXPECT_EQ(produced_, *config);
  EXPECT_EQ(text(stored->digest), text(hashing::sha256_of(*config)));
  EXPECT_EQ(text(stored->raw_digest), text(stored->digest));
  EXPECT_EQ(stored->size, config->size());

  recipe.encoding = Encoding::kGzip;
  auto gz = produce(recipe);
  ASSERT_TRUE(gz);
  EXPECT_EQ(text(gz->raw_digest), text(hashing::sha256_of(*config)));
  EXPECT_EQ(text(gz->digest), text(hashing::sha256_of(produced_)));
  EXPECT_EQ(gz->size, produced_.size());
  EXPECT_EQ(gunzip(produced_), *config);
}

TEST_F(ProduceBlobTest, SinkReturningFalseStopsAndGivesNullopt) {
  for (Encoding encoding : {Encoding::kAsStored, Encoding::kGzip}) {
    SCOPED_TRACE(encoding == Encoding::kGzip ? "gzip" : "as stored");
    int calls = 0;
    auto blob = produce_blob(file_recipe(path_, 10, contents_.size() - 10, encoding), how_,
                             [&](std::span<const std::byte>) {
                               ++calls;
                               return false;
                             });
    EXPECT_FALSE(blob.has_value());
    EXPECT_EQ(calls, 1) << "the sink was called again after asking to stop";
  }
}

TEST_F(ProduceBlobTest, SinkStoppingLaterAlsoGivesNullopt) {
  for (Encoding encoding : {Encoding::kAsStored, Encoding::kGzip}) {
    SCOPED_TRACE(encoding == Encoding::kGzip ? "gzip" : "as stored");
    std::uint64_t seen = 0;
    int calls = 0;
    auto blob = produce_blob(file_recipe(path_, 0, contents_.size(), encoding), how_,
                             [&](std::span<const std::byte> piece) {
                               seen += piece.size();
                               return ++calls < 3;
                             });
    EXPECT_FALSE(blob.has_value());
    EXPECT_EQ(calls, 3);
    EXPECT_LT(seen, contents_.size());
  }
}

TEST_F(ProduceBlobTest, InlineSinkStopGivesNullopt) {
  const BlobRecipe recipe = inline_recipe(std::make_shared<const std::string>("config"));
  EXPECT_FALSE(produce_blob(recipe, how_, [](auto) { return false; }).has_value());
}

TEST_F(ProduceBlobTest, RangePastTheEndOfTheFileThrows) {
  EXPECT_THROW(produce(file_recipe(path_, contents_.size() - 10, 20, Encoding::kAsStored)),
               std::system_error);
  EXPECT_THROW(produce(file_recipe(path_, contents_.size() - 10, 20, Encoding::kGzip)),
               std::system_error);
}

TEST_F(ProduceBlobTest, MissingFileThrows) {
  EXPECT_THROW(produce(file_recipe(path_ + ".missing", 0, 1, Encoding::kAsStored)),
               std::system_error);
}

}  // namespace
}  // namespace layerpush::engine
