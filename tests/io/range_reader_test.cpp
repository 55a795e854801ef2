#include "io/range_reader.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <system_error>
#include <tuple>

#include "io/file.h"
#include "tests/io/io_test_util.h"

namespace layerpush::io {
namespace {

using test::pattern_bytes;
using test::read_all;

// (backend, queue depth). pread ignores the depth; io_uring runs with one read in flight and
// with eight, where completions can arrive out of order.
using Param = std::tuple<Backend, unsigned>;

class RangeReaderTest : public ::testing::TestWithParam<Param> {
 protected:
  static constexpr std::size_t kFileSize = 3 * 1000 * 1000 + 7;

  void SetUp() override {
    expected_ = pattern_bytes(kFileSize);
    test::write_file(folder_.path() / "data", expected_);
    file_ = File::open_read((folder_.path() / "data").string());
    ASSERT_EQ(file_.size(), kFileSize);
  }

  std::unique_ptr<RangeReader> reader(std::size_t buffer_size) {
    auto made = make_reader(std::get<0>(GetParam()), {buffer_size, std::get<1>(GetParam())});
    EXPECT_EQ(made->backend(), std::get<0>(GetParam()));
    return made;
  }

  // Reads the range and checks its bytes, and that every buffer but the last is full.
  void expect_range(RangeReader& r, std::uint64_t offset, std::uint64_t length, std::size_t bs) {
    SCOPED_TRACE("offset " + std::to_string(offset) + " length " + std::to_string(length));
    const test::Collected got = read_all(r, file_.fd(), offset, length);
    ASSERT_EQ(got.bytes.size(), length);
    EXPECT_TRUE(std::equal(got.bytes.begin(), got.bytes.end(), expected_.begin() + offset));
    ASSERT_EQ(got.sizes.size(), (length + bs - 1) / bs);
    for (std::size_t i = 0; i + 1 < got.sizes.size(); ++i) EXPECT_EQ(got.sizes[i], bs) << i;
  }

  test::TempFolder folder_;
  std::vector<std::byte> expected_;
  File file_;
};

TEST_P(RangeReaderTest, ReadsUnalignedRangesByteForByte) {
  for (std::size_t bs : {std::size_t{1000}, std::size_t{4096}, std::size_t{65536}}) {
    auto r = reader(bs);  // one reader for every range: the slab is reused across calls
    for (std::uint64_t offset : {0ULL, 1ULL, 999ULL, 4095ULL, 777777ULL}) {
      for (std::uint64_t length : {1ULL, 999ULL, 1000ULL, 1001ULL, 4097ULL, 300001ULL}) {
        expect_range(*r, offset, length, bs);
      }
    }
    expect_range(*r, 12345, kFileSize - 12345, bs);  // to the very end of the file
  }
}

TEST_P(RangeReaderTest, SpansManyBuffers) {
  auto r = reader(4096);
  expect_range(*r, 3, 4096 * 500 + 17, 4096);
}

TEST_P(RangeReaderTest, LengthZeroNeverCallsTheSink) {
  auto r = reader(4096);
  int calls = 0;
  r->read(file_.fd(), 100, 0, [&](auto) { return ++calls, true; });
  r->read(file_.fd(), kFileSize, 0, [&](auto) { return ++calls, true; });
  EXPECT_EQ(calls, 0);
}

TEST_P(RangeReaderTest, StopsWhenTheSinkSaysSoAndStaysUsable) {
  auto r = reader(1000);
  std::vector<std::byte> got;
  r->read(file_.fd(), 10, 100000, [&](std::span<const std::byte> buffer) {
    got.insert(got.end(), buffer.begin(), buffer.end());
    return got.size() < 3000;
  });
  ASSERT_EQ(got.size(), 3000u);
  EXPECT_TRUE(std::equal(got.begin(), got.end(), expected_.begin() + 10));
  // Reads cancelled or drained by the stop must not leak into the next range.
  expect_range(*r, 500000, 50000, 1000);
}

TEST_P(RangeReaderTest, SinkExceptionPropagatesAndReaderStaysUsable) {
  auto r = reader(1000);
  int calls = 0;
  EXPECT_THROW(r->read(file_.fd(), 0, 100000,
                       [&](auto) -> bool {
                         if (++calls == 2) throw std::runtime_error("sink failed");
                         return true;
                       }),
               std::runtime_error);
  EXPECT_EQ(calls, 2);
  expect_range(*r, 7, 20000, 1000);
}

TEST_P(RangeReaderTest, EndOfFileBeforeRangeEndIsAnError) {
  auto r = reader(1000);
  std::vector<std::byte> got;
  try {
    r->read(file_.fd(), kFileSize - 2500, 10000, [&](std::span<const std::byte> buffer) {
      got.insert(got.end(), buffer.begin(), buffer.end());
      return true;
    });
    FAIL() << "no error for a range past the end of the file";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::io_error);
    EXPECT_NE(std::string(e.what()).find("file ends at byte " + std::to_string(kFileSize) +
                                         ", before the range ends at " +
                                         std::to_string(kFileSize + 7500)),
              std::string::npos)
        << e.what();
  }
  // Only whole buffers before the end are delivered, and they are correct.
  ASSERT_EQ(got.size(), 2000u);
  EXPECT_TRUE(std::equal(got.begin(), got.end(), expected_.begin() + (kFileSize - 2500)));
  expect_range(*r, 0, 5000, 1000);
}

TEST_P(RangeReaderTest, RangeStartingPastTheEndNamesTheFileSize) {
  auto r = reader(1000);
  try {
    read_all(*r, file_.fd(), kFileSize + 100, 10);
    FAIL() << "no error for a range past the end of the file";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("file ends at byte " + std::to_string(kFileSize) + ","),
              std::string::npos)
        << e.what();
  }
}

TEST_P(RangeReaderTest, ReadErrorsCarryTheErrno) {
  auto r = reader(4096);
  File folder = File::open_read(folder_.path().string());
  try {
    read_all(*r, folder.fd(), 0, 100);
    FAIL() << "reading a directory succeeded";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EISDIR) << e.what();
  }
  expect_range(*r, 0, 100, 4096);
}

TEST_P(RangeReaderTest, RejectsRangesBeyondAnyOffset) {
  auto r = reader(4096);
  EXPECT_THROW(read_all(*r, file_.fd(), ~0ULL - 10, 100), std::system_error);
}

INSTANTIATE_TEST_SUITE_P(Backends, RangeReaderTest,
                         ::testing::Values(Param{Backend::kPread, 1}, Param{Backend::kIoUring, 1},
                                           Param{Backend::kIoUring, 8}),
                         [](const auto& info) {
                           return std::string(backend_name(std::get<0>(info.param))) + "_depth" +
                                  std::to_string(std::get<1>(info.param));
                         });

TEST(MakeReaderTest, RefusesUnusableOptions) {
  EXPECT_THROW(make_reader(Backend::kPread, {0, 4}), std::invalid_argument);
  EXPECT_THROW(make_reader(Backend::kIoUring, {4096, 0}), std::invalid_argument);
  EXPECT_THROW(make_reader(Backend::kIoUring, {std::size_t{2} << 30, 4}), std::invalid_argument);
}

TEST(FileTest, OpenFailureNamesThePath) {
  try {
    File::open_read("/nonexistent/layerpush-io-test");
    FAIL() << "opened a file that does not exist";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/layerpush-io-test"), std::string::npos);
  }
}

TEST(FileTest, MovesOwnership) {
  File a = File::open_read("/dev/null");
  const int fd = a.fd();
  File b = std::move(a);
  EXPECT_EQ(a.fd(), -1);
  EXPECT_EQ(b.fd(), fd);
  EXPECT_EQ(b.size(), 0u);
}

}  // namespace
}  // namespace layerpush::io
