// TarIndex over archives made by GNU tar from a real folder, in each of its formats.
#include "io/tar_index.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "io/file.h"
#include "io/range_reader.h"
#include "tests/io/io_test_util.h"

namespace layerpush::io {
namespace {

namespace fs = std::filesystem;

const std::string kLongFolder = std::string(60, 'd') + "/" + std::string(70, 'e');  // > 100
const std::string kLongLeaf = std::string(140, 'f') + ".txt";  // one component > 100

class TarIndexTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const fs::path root = folder_.path() / "root";
    fs::create_directories(root / "sub");
    fs::create_directories(root / kLongFolder);
    test::write_file(root / "top.txt", std::string("top file\n"));
    test::write_file(root / "sub/inner.bin", test::pattern_bytes(70000));
    test::write_file(root / kLongFolder / "deep.txt", std::string("deep\n"));
    fs::create_directory_symlink("sub", root / "dirlink");
    fs::create_symlink("../top.txt", root / "sub/up");
    fs::create_hard_link(root / "top.txt", root / "hard");
    fs::create_symlink("loop2", root / "loop1");
    fs::create_symlink("loop1", root / "loop2");
    if (GetParam() != "ustar") {  // ustar cannot hold these
      test::write_file(root / "sub" / kLongLeaf, std::string("long leaf\n"));
      fs::create_symlink("sub/" + kLongLeaf, root / "to-long-leaf");  // target > 100
    }
    archive_ = (folder_.path() / "archive.tar").string();
    // "-C root ." gives every name a "./" prefix, as docker save and many layer tools do.
    const std::string command =
        "tar --format=" + GetParam() + " -cf '" + archive_ + "' -C '" + root.string() + "' . 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    file_ = File::open_read(archive_);
    index_ = TarIndex::read(file_.fd(), file_.size());
  }

  // The bytes of the file `name` resolves to, read through the pread backend.
  std::string contents(const std::string& name) {
    const TarMember* member = index_.find_file(name);
    if (member == nullptr) return "(none)";
    auto reader = make_reader(Backend::kPread, {4096, 1});
    return test::as_text(
        test::read_all(*reader, file_.fd(), member->data_offset, member->size).bytes);
  }

  std::string disk(const std::string& name) {
    std::ifstream in(folder_.path() / "root" / name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  test::TempFolder folder_;
  std::string archive_;
  File file_;
  TarIndex index_;
};

TEST_P(TarIndexTest, FindsFilesThroughEveryKindOfName) {
  EXPECT_EQ(contents("top.txt"), "top file\n");
  EXPECT_EQ(contents("./top.txt"), "top file\n");
  EXPECT_EQ(contents("sub/inner.bin"), disk("sub/inner.bin"));
  EXPECT_EQ(contents(kLongFolder + "/deep.txt"), "deep\n");
  EXPECT_EQ(contents("hard"), "top file\n");    // one of the two names is a hard link
  EXPECT_EQ(contents("sub/up"), "top file\n");  // "../" symlink
  EXPECT_EQ(contents("dirlink/inner.bin"), disk("sub/inner.bin"));
  EXPECT_EQ(contents("loop1"), "(none)");
  EXPECT_EQ(contents("sub"), "(none)");
  EXPECT_EQ(contents("missing"), "(none)");
  if (GetParam() != "ustar") {
    EXPECT_EQ(contents("sub/" + kLongLeaf), "long leaf\n");
    EXPECT_EQ(contents("to-long-leaf"), "long leaf\n");
  }
}

TEST_P(TarIndexTest, MemberNamesAreNormalized) {
  bool saw_long_folder = false;
  for (const TarMember& m : index_.members()) {
    EXPECT_FALSE(m.name.starts_with("./")) << m.name;
    EXPECT_FALSE(m.name.ends_with("/")) << m.name;
    saw_long_folder |= m.name == kLongFolder && m.type == '5';
  }
  EXPECT_TRUE(saw_long_folder);
}

TEST_P(TarIndexTest, TruncatedCopyThrows) {
  const TarMember* inner = index_.find_file("sub/inner.bin");
  ASSERT_NE(inner, nullptr);
  const std::uint64_t cut = inner->data_offset + 1000;
  ASSERT_EQ(truncate(archive_.c_str(), static_cast<off_t>(cut)), 0);
  File truncated = File::open_read(archive_);
  EXPECT_THROW(TarIndex::read(truncated.fd(), truncated.size()), TarError);
}

INSTANTIATE_TEST_SUITE_P(GnuTar, TarIndexTest, ::testing::Values("gnu", "pax", "ustar"));

}  // namespace
}  // namespace layerpush::io
