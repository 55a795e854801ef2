// index_with, the pure part of an index.json update: other entries and fields kept, a tag moved
// in its place, duplicates of a tag dropped, untagged manifests listed once, --no-clobber.
#include "engine/image/oci_index_file.h"

#include <gtest/gtest.h>

#include "engine/util/error.h"
#include "hashing/sha256.h"

namespace layerpush::engine {
namespace {
using nlohmann::ordered_json;

const hashing::Digest kOld = hashing::sha256_of("old");
const hashing::Digest kNew = hashing::sha256_of("new");

ordered_json entry(const hashing::Digest& digest, const char* tag) {
  ordered_json d{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                 {"digest", digest.str()},
                 {"size", 10}};
  if (tag) d["annotations"] = {{kRefNameAnnotation, tag}, {"org.example.note", "kept"}};
  return d;
}

ordered_json index_of(std::initializer_list<ordered_json> manifests) {
  return {{"schemaVersion", 2},
          {"annotations", {{"org.example.index", "kept"}}},
          {"manifests", ordered_json(manifests)}};
}

IndexEntry new_entry(std::optional<std::string> tag) {
  return {"application/vnd.oci.image.manifest.v1+json", kNew, 3, std::move(tag)};
}

TEST(IndexWith, MovesATagInItsPlaceAndDropsItsDuplicates) {
  const auto before = index_of({entry(kOld, "a"), entry(kOld, "v1"), entry(kOld, "v1")});
  const auto after = index_with(before, new_entry("v1"), false, "oci:d:v1");
  EXPECT_EQ(after["annotations"], before["annotations"]);
  ASSERT_EQ(after["manifests"].size(), 2u) << after;
  EXPECT_EQ(after["manifests"][0], before["manifests"][0]);
  EXPECT_EQ(after["manifests"][1]["digest"], kNew.str());
  EXPECT_EQ(after["manifests"][1]["size"], 3);
  EXPECT_EQ(after["manifests"][1]["annotations"][kRefNameAnnotation], "v1");
}

TEST(IndexWith, LeavesATagOnThisManifestAsItIs) {
  const auto before = index_of({entry(kNew, "v1")});
  EXPECT_EQ(index_with(before, new_entry("v1"), true, "oci:d:v1"), before);
}

TEST(IndexWith, NoClobberRefusesToMoveATag) {
  try {
    index_with(index_of({entry(kOld, "v1")}), new_entry("v1"), true, "oci:d:v1");
    ADD_FAILURE() << "the tag was moved";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kTagTaken);
    EXPECT_EQ(std::string(e.what()),
              "oci:d:v1 already names " + kOld.str() + "; left as it is (--no-clobber)");
  }
}

TEST(IndexWith, AddsAnUntaggedManifestOnlyWhenItsDigestIsNotListed) {
  const auto listed = index_of({entry(kNew, "v1")});
  EXPECT_EQ(index_with(listed, new_entry(std::nullopt), false, "oci:d"), listed);
  const auto added =
      index_with(index_of({entry(kOld, "v1")}), new_entry(std::nullopt), false, "oci:d");
  ASSERT_EQ(added["manifests"].size(), 2u);
  EXPECT_EQ(added["manifests"][1]["digest"], kNew.str());
  EXPECT_FALSE(added["manifests"][1].contains("annotations"));
}

}  // namespace
}  // namespace layerpush::engine
