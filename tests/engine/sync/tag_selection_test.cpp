#include "engine/sync/tag_selection.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace layerpush::engine {
namespace {

using Tags = std::vector<std::string>;

const Tags kReported = {"latest", "1.25.3", "1.24.0", "1.25.10-alpine", "1.25.3", "mainline"};

TEST(TagSelection, ListedTagsKeepTheirOrderAndMissingOnesAreReported) {
  ImageEntry entry;
  entry.rule = TagRule::kListed;
  entry.tags = {"mainline", "1.99", "1.24.0", "Latest"};
  const auto selected = select_tags(entry, kReported);
  EXPECT_EQ(selected.tags, (Tags{"mainline", "1.24.0"}));
  EXPECT_EQ(selected.missing, (Tags{"1.99", "Latest"}));  // tags are case-sensitive
}

TEST(TagSelection, RegexSearchesAndSorts) {
  ImageEntry entry;
  entry.rule = TagRule::kRegex;
  entry.tag_pattern = std::regex("^1\\.25\\.");
  const auto selected = select_tags(entry, kReported);
  EXPECT_EQ(selected.tags, (Tags{"1.25.10-alpine", "1.25.3"}));  // bytewise, each once
  EXPECT_TRUE(selected.missing.empty());

  entry.tag_pattern = std::regex("alpine");  // unanchored: found anywhere in the tag
  EXPECT_EQ(select_tags(entry, kReported).tags, Tags{"1.25.10-alpine"});
  entry.tag_pattern = std::regex("^1\\.25$");  // anchored at both ends: whole tags only
  EXPECT_TRUE(select_tags(entry, kReported).tags.empty());
}

TEST(TagSelection, AllTagsSortedOnce) {
  ImageEntry entry;
  entry.rule = TagRule::kAll;
  EXPECT_EQ(select_tags(entry, kReported).tags,
            (Tags{"1.24.0", "1.25.10-alpine", "1.25.3", "latest", "mainline"}));
  EXPECT_TRUE(select_tags(entry, {}).tags.empty());
}

TEST(TagSelection, OrderDoesNotDependOnTheRegistrysOrder) {
  ImageEntry entry;
  entry.rule = TagRule::kAll;
  Tags reversed(kReported.rbegin(), kReported.rend());
  EXPECT_EQ(select_tags(entry, reversed).tags, select_tags(entry, kReported).tags);
}

}  // namespace
}  // namespace layerpush::engine
