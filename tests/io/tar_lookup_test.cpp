// TarIndex::find_file over hand-made member lists.
#include <gtest/gtest.h>

#include "io/tar_index.h"

namespace layerpush::io {
namespace {

TarMember member(std::string name, char type, std::string target = "", std::uint64_t at = 0) {
  return TarMember{std::move(name), type, at, 0, std::move(target)};
}

// The name of what find_file found, or "(none)".
std::string found(const TarIndex& index, std::string_view name) {
  const TarMember* m = index.find_file(name);
  return m == nullptr ? "(none)" : m->name;
}

TEST(TarLookupTest, FindsRegularFilesIgnoringDotPrefixes) {
  const TarIndex index = TarIndex::from_members(
      {member("./etc/", '5'), member("./etc/passwd", '0'), member("manifest.json", '0')});
  EXPECT_EQ(found(index, "etc/passwd"), "etc/passwd");
  EXPECT_EQ(found(index, "./etc/passwd"), "etc/passwd");
  EXPECT_EQ(found(index, "/etc//passwd"), "etc/passwd");
  EXPECT_EQ(found(index, "manifest.json"), "manifest.json");
  EXPECT_EQ(found(index, "etc"), "(none)");  // a folder is not a file
  EXPECT_EQ(found(index, "etc/shadow"), "(none)");
}

TEST(TarLookupTest, FollowsSymlinksRelativeToTheirFolder) {
  const TarIndex index = TarIndex::from_members({
      member("usr/lib/libz.so.1.2", '0'),
      member("usr/lib/libz.so.1", '2', "libz.so.1.2"),
      member("usr/lib/libz.so", '2', "./libz.so.1"),
      member("lib", '2', "usr/lib"),
      member("opt/app/libz", '2', "../../usr/lib/libz.so"),
      member("opt/abs", '2', "/usr/lib/libz.so.1"),
      member("opt/climb", '2', "../../../../usr/lib/libz.so.1.2"),
  });
  EXPECT_EQ(found(index, "usr/lib/libz.so"), "usr/lib/libz.so.1.2");
  EXPECT_EQ(found(index, "lib/libz.so"), "usr/lib/libz.so.1.2");  // a linked folder mid-path
  EXPECT_EQ(found(index, "opt/app/libz"), "usr/lib/libz.so.1.2");
  EXPECT_EQ(found(index, "opt/abs"), "usr/lib/libz.so.1.2");    // absolute: from the root
  EXPECT_EQ(found(index, "opt/climb"), "usr/lib/libz.so.1.2");  // ".." stops at the root
  EXPECT_EQ(found(index, "lib/../lib/libz.so.1"), "usr/lib/libz.so.1.2");
}

TEST(TarLookupTest, FollowsHardLinksAsArchivePaths) {
  const TarIndex index = TarIndex::from_members({
      member("bin/busybox", '0', "", 512),
      member("bin/sh", '1', "bin/busybox"),
      member("sbin/init", '1', "./bin/sh"),
      member("lnk", '2', "sbin/init"),
  });
  const TarMember* sh = index.find_file("bin/sh");
  ASSERT_NE(sh, nullptr);
  EXPECT_EQ(sh->data_offset, 512u);
  EXPECT_EQ(found(index, "sbin/init"), "bin/busybox");
  EXPECT_EQ(found(index, "lnk"), "bin/busybox");
}

TEST(TarLookupTest, LoopsAndChainsPastSixteenHopsAreAbsent) {
  std::vector<TarMember> members = {member("a", '2', "b"), member("b", '2', "a"),
                                    member("target", '0')};
  for (int i = 1; i <= 17; ++i) {  // chain/i -> chain/i+1; chain/17 -> target
    members.push_back(
        member("chain/" + std::to_string(i), '2', i == 17 ? "../target" : std::to_string(i + 1)));
  }
  const TarIndex index = TarIndex::from_members(std::move(members));
  EXPECT_EQ(found(index, "a"), "(none)");
  EXPECT_EQ(found(index, "chain/2"), "target");  // 16 hops
  EXPECT_EQ(found(index, "chain/1"), "(none)");  // 17 hops
}

TEST(TarLookupTest, LaterMembersReplaceEarlierOnes) {
  const TarIndex index = TarIndex::from_members(
      {member("f", '0', "", 512), member("g", '0', "", 1024), member("./f", '0', "", 2048)});
  ASSERT_NE(index.find_file("f"), nullptr);
  EXPECT_EQ(index.find_file("f")->data_offset, 2048u);
  ASSERT_EQ(index.members().size(), 3u);
}

}  // namespace
}  // namespace layerpush::io
