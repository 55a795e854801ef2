// TarIndex::read over archives written header by header (tests/io/tar_writer.h).
#include <gtest/gtest.h>
#include <unistd.h>

#include "io/file.h"
#include "io/tar_index.h"
#include "tests/io/io_test_util.h"
#include "tests/io/tar_writer.h"

namespace layerpush::io {
namespace {

using test::TarWriter;

class TarFormatTest : public ::testing::Test {
 protected:
  TarIndex index_of(TarWriter& tar, std::size_t keep = ~std::size_t{0}) {
    const std::string path = (folder_.path() / "archive.tar").string();
    const auto& bytes = tar.bytes();
    test::write_file(path, std::string(bytes.data(), std::min(keep, bytes.size())));
    file_ = File::open_read(path);
    return TarIndex::read(file_.fd(), file_.size());
  }

  std::string data_of(const TarMember& member) {
    std::string out(member.size, '\0');
    EXPECT_EQ(pread(file_.fd(), out.data(), out.size(), member.data_offset),
              static_cast<ssize_t>(out.size()));
    return out;
  }

  // The message of the TarError that indexing `tar` throws; fails the test when none is thrown.
  std::string error_of(TarWriter& tar, std::size_t keep = ~std::size_t{0}) {
    try {
      index_of(tar, keep);
    } catch (const TarError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no TarError";
    return "";
  }

  test::TempFolder folder_;
  File file_;
};

TEST_F(TarFormatTest, GnuLongNamesAndLinkTargets) {
  const std::string long_name = "folder/" + std::string(150, 'n') + ".txt";
  const std::string long_target = "../" + std::string(120, 't');
  TarWriter tar;
  tar.gnu_long('L', long_name);
  tar.header(long_name.substr(0, 100), '0', 5, "", TarWriter::Magic::kGnu);
  tar.data("hello");
  tar.gnu_long('K', long_target);
  tar.header("folder/link", '2', 0, long_target.substr(0, 100), TarWriter::Magic::kGnu);
  tar.file("after", "plain");  // the long names must not stick to later members
  tar.end();
  const TarIndex index = index_of(tar);
  ASSERT_EQ(index.members().size(), 3u);
  EXPECT_EQ(index.members()[0].name, long_name);
  EXPECT_EQ(data_of(index.members()[0]), "hello");
  EXPECT_EQ(index.members()[1].type, '2');
  EXPECT_EQ(index.members()[1].link_target, long_target);
  EXPECT_EQ(index.members()[2].name, "after");
  EXPECT_EQ(data_of(index.members()[2]), "plain");
}

TEST_F(TarFormatTest, PaxRecordsOverrideTheNextMemberOnly) {
  const std::string long_name = std::string(130, 'p') + "/file";
  TarWriter tar;
  tar.pax({{"comment", "ignored"}}, 'g');  // global: no member of its own
  tar.pax({{"path", long_name}, {"size", "7"}, {"mtime", "1700000000.5"}});
  tar.header("short-name", '0', 0);  // the pax size wins over this header's 0
  tar.data("pax-big");
  tar.pax({{"linkpath", "./target/of/hard/link"}});
  tar.header("hard", '1', 0);
  tar.file("./second", "2nd");
  const TarIndex index = index_of(tar);  // no end blocks: accepted, as GNU tar does
  ASSERT_EQ(index.members().size(), 3u);
  EXPECT_EQ(index.members()[0].name, long_name);
  EXPECT_EQ(index.members()[0].size, 7u);
  EXPECT_EQ(data_of(index.members()[0]), "pax-big");
  EXPECT_EQ(index.members()[1].link_target, "target/of/hard/link");
  EXPECT_EQ(index.members()[2].name, "second");
  EXPECT_EQ(data_of(index.members()[2]), "2nd");
}

TEST_F(TarFormatTest, Base256SizeIsSkippedCorrectly) {
  TarWriter tar;
  const std::size_t at = tar.header("big", '0', 0);
  tar.set_base256_size(at, 1500);
  tar.data(std::string(1500, 'b'));
  tar.file("next", "n");
  tar.end();
  const TarIndex index = index_of(tar);
  ASSERT_EQ(index.members().size(), 2u);
  EXPECT_EQ(index.members()[0].size, 1500u);
  EXPECT_EQ(index.members()[1].data_offset, 512u + 1536u + 512u);
  EXPECT_EQ(data_of(index.members()[1]), "n");
}

TEST_F(TarFormatTest, NamesAreNormalized) {
  TarWriter tar;
  tar.header("./dir/", '5', 0);
  tar.file("./dir/./f", "x");
  const TarIndex index = index_of(tar);
  EXPECT_EQ(index.members()[0].name, "dir");
  EXPECT_EQ(index.members()[1].name, "dir/f");
}

TEST_F(TarFormatTest, CorruptChecksumNamesTheOffset) {
  TarWriter tar;
  tar.file("first", std::string(100, 'a'));
  const std::size_t at = tar.file("second", "b");
  tar.bytes()[at + 10] = 'X';
  EXPECT_NE(error_of(tar).find("at byte 1024"), std::string::npos) << error_of(tar);
}

TEST_F(TarFormatTest, TruncatedArchivesThrow) {
  TarWriter tar;
  tar.file("first", "1");
  tar.file("second", std::string(5000, 's'));
  tar.end();
  EXPECT_NE(error_of(tar, 1024 + 2000).find("at byte 1024"), std::string::npos);  // in data
  EXPECT_NE(error_of(tar, 1024 + 100).find("truncated"), std::string::npos);      // in a header
  TarWriter orphan;
  orphan.file("first", "1");
  orphan.gnu_long('L', "a-name-with-no-member");
  EXPECT_NE(error_of(orphan).find("truncated"), std::string::npos);
}

TEST_F(TarFormatTest, MalformedPaxHeaderNamesTheOffset) {
  TarWriter tar;
  tar.file("first", "1");
  tar.header("PaxHeaders/x", 'x', 10);
  tar.data("99 path=a\n");
  EXPECT_NE(error_of(tar).find("pax header at byte 1024"), std::string::npos) << error_of(tar);
}

}  // namespace
}  // namespace layerpush::io
