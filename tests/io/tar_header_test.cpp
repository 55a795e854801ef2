#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "io/tar_index.h"
#include "io/tar_internal.h"
#include "tests/io/tar_writer.h"

namespace layerpush::io {
namespace {

using test::TarWriter;

std::span<const std::byte> field_of(const char* text, std::size_t size) {
  return {reinterpret_cast<const std::byte*>(text), size};
}

TEST(TarHeaderTest, AllZeroBlockEndsTheArchive) {
  std::array<std::byte, 512> zeros{};
  EXPECT_EQ(parse_tar_header(zeros), std::nullopt);
}

TEST(TarHeaderTest, ReadsUstarFieldsAndJoinsThePrefix) {
  TarWriter tar;
  tar.header("file.txt", '0', 1234567, "", TarWriter::Magic::kPosix, "some/deep/folder");
  const auto header = parse_tar_header(tar.block(0));
  ASSERT_TRUE(header);
  EXPECT_EQ(header->name, "some/deep/folder/file.txt");
  EXPECT_EQ(header->type, '0');
  EXPECT_EQ(header->size, 1234567u);
}

TEST(TarHeaderTest, GnuMagicHasNoPrefixAndOldRegularFilesAreNul) {
  TarWriter tar;
  tar.header("a", '\0', 5, "", TarWriter::Magic::kGnu);
  std::memcpy(tar.bytes().data() + 345, "not-a-prefix", 12);  // GNU keeps atime/ctime here
  tar.seal(0);
  const auto header = parse_tar_header(tar.block(0));
  ASSERT_TRUE(header);
  EXPECT_EQ(header->name, "a");
  EXPECT_EQ(header->type, '0');
}

TEST(TarHeaderTest, ReadsLinkTargets) {
  TarWriter tar;
  tar.header("link", '2', 0, "../target");
  EXPECT_EQ(parse_tar_header(tar.block(0))->link_target, "../target");
}

TEST(TarHeaderTest, CorruptChecksumThrows) {
  TarWriter tar;
  tar.header("file.txt", '0', 10);
  tar.bytes()[3] ^= 1;  // one flipped bit in the name
  EXPECT_THROW(parse_tar_header(tar.block(0)), TarError);
  tar.bytes()[3] ^= 1;
  EXPECT_NO_THROW(parse_tar_header(tar.block(0)));
}

TEST(TarHeaderTest, GarbageInANumberThrows) {
  TarWriter tar;
  tar.header("file.txt", '0', 10);
  tar.bytes()[124 + 3] = '9';
  tar.seal(0);
  try {
    parse_tar_header(tar.block(0));
    FAIL() << "accepted a size with a 9 in it";
  } catch (const TarError& e) {
    EXPECT_NE(std::string(e.what()).find("size"), std::string::npos) << e.what();
  }
}

TEST(TarHeaderTest, Base256SizesBeyondOctalRange) {
  TarWriter tar;
  tar.header("big", '0', 0);
  const std::uint64_t ten_tib = 10ULL << 40;  // needs more than the 11 octal digits' 8 GiB
  tar.set_base256_size(0, ten_tib);
  EXPECT_EQ(parse_tar_header(tar.block(0))->size, ten_tib);
}

TEST(TarNumberTest, OctalAndBase256Forms) {
  EXPECT_EQ(detail::parse_tar_number(field_of("0000644\0", 8), "mode"), 0644u);
  EXPECT_EQ(detail::parse_tar_number(field_of("   644 \0", 8), "mode"), 0644u);
  EXPECT_EQ(detail::parse_tar_number(field_of("\0\0\0\0\0\0\0\0", 8), "mode"), 0u);
  EXPECT_EQ(detail::parse_tar_number(field_of("\x80\0\0\0\0\0\x01\x02", 8), "size"), 0x102u);
  EXPECT_THROW(detail::parse_tar_number(field_of("\xff\xff\xff\xff\xff\xff\xff\xfe", 8), "size"),
               TarError);  // negative
  EXPECT_THROW(detail::parse_tar_number(field_of("12 34\0\0\0", 8), "size"), TarError);
  EXPECT_THROW(detail::parse_tar_number(field_of("\x80\x01\0\0\0\0\0\0\0\0\0\0", 12), "size"),
               TarError);  // 2^80 does not fit
  EXPECT_THROW(detail::parse_tar_number(field_of("7777777777777777777777777", 25), "size"),
               TarError);
}

TEST(PaxRecordsTest, ReadsPathLinkpathAndSize) {
  detail::PaxOverrides out;
  detail::parse_pax_records(
      "30 mtime=1700000000.123456789\n18 path=a/b/c.txt\n17 linkpath=../x\n16 size=9999999\n", out);
  EXPECT_EQ(out.path, "a/b/c.txt");
  EXPECT_EQ(out.linkpath, "../x");
  EXPECT_EQ(out.size, 9999999u);
}

TEST(PaxRecordsTest, MalformedRecordsThrow) {
  detail::PaxOverrides out;
  EXPECT_THROW(detail::parse_pax_records("99 path=a\n", out), TarError);   // length too long
  EXPECT_THROW(detail::parse_pax_records("10 path=ab\n", out), TarError);  // length too short
  EXPECT_THROW(detail::parse_pax_records("x path=a\n", out), TarError);
  EXPECT_THROW(detail::parse_pax_records("8 patha\n", out), TarError);  // no '='
  EXPECT_THROW(detail::parse_pax_records("11 size=1x\n", out), TarError);
}

}  // namespace
}  // namespace layerpush::io
