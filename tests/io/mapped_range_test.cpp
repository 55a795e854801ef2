// MappedRange: the bytes of a range at any offset, window by window; a file cut short after it
// was mapped is a std::system_error, not a SIGBUS; an empty range is not mapped.
#include "io/mapped_range.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <system_error>

#include "io/file.h"
#include "tests/io/io_test_util.h"

namespace layerpush::io {
namespace {

TEST(MappedRangeTest, GivesTheRangesBytesWindowByWindowAtAnUnalignedOffset) {
  test::TempFolder folder;
  const auto bytes = test::pattern_bytes(3 * 65536 + 4321);
  test::write_file(folder.path() / "blob", bytes);
  auto file = File::open_read((folder.path() / "blob").string());

  const std::uint64_t offset = 5000, length = bytes.size() - offset - 77;
  const auto range = MappedRange::map(file.fd(), offset, length);
  ASSERT_TRUE(range.has_value());
  EXPECT_EQ(range->size(), length);
  std::vector<std::byte> got;
  for (std::uint64_t at = 0; at < range->size(); at += 10000) {
    const auto window = range->window(at, 10000);
    EXPECT_EQ(window.size(), std::min<std::uint64_t>(10000, length - at));
    got.insert(got.end(), window.begin(), window.end());
  }
  EXPECT_TRUE(std::equal(got.begin(), got.end(), bytes.begin() + offset, bytes.end() - 77));
  EXPECT_EQ(got.size(), length);
  EXPECT_TRUE(range->window(length, 10).empty());
}

TEST(MappedRangeTest, AFileCutShortAfterMappingIsAnErrorNotASignal) {
  test::TempFolder folder;
  const auto path = folder.path() / "blob";
  test::write_file(path, test::pattern_bytes(4 * 65536));
  auto file = File::open_read(path.string());
  const auto range = MappedRange::map(file.fd(), 0, 4 * 65536);
  ASSERT_TRUE(range.has_value());
  ASSERT_EQ(::truncate(path.c_str(), 4096), 0);

  EXPECT_EQ(range->window(0, 4096).size(), 4096u);  // still in the file
  EXPECT_THROW(range->window(2 * 65536, 65536), std::system_error);
}

TEST(MappedRangeTest, AnEmptyRangeIsNotMapped) {
  test::TempFolder folder;
  test::write_file(folder.path() / "empty", std::string());
  auto file = File::open_read((folder.path() / "empty").string());
  EXPECT_FALSE(MappedRange::map(file.fd(), 0, 0).has_value());
}

}  // namespace
}  // namespace layerpush::io
