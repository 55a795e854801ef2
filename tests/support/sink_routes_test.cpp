// Unit tests of the sink registry's request routing and Content-Range parsing
// (tools/sink/routes.h): the endpoints, names with several components, percent-decoded query
// values, and what is refused.
#include <gtest/gtest.h>

#include "tools/sink/routes.h"

namespace layerpush::sink {
namespace {

TEST(SinkRoutesTest, NamesEachEndpoint) {
  auto base = parse_route("/v2/");
  ASSERT_TRUE(base);
  EXPECT_EQ(base->endpoint, Endpoint::kBase);

  auto blob = parse_route("/v2/a/b/c/blobs/sha256:0123");
  ASSERT_TRUE(blob);
  EXPECT_EQ(blob->endpoint, Endpoint::kBlob);
  EXPECT_EQ(blob->name, "a/b/c");
  EXPECT_EQ(blob->id, "sha256:0123");

  auto start = parse_route("/v2/x/y/blobs/uploads/?mount=sha256%3Aab&from=o/p");
  ASSERT_TRUE(start);
  EXPECT_EQ(start->endpoint, Endpoint::kUploads);
  EXPECT_EQ(start->name, "x/y");
  EXPECT_EQ(start->query.at("mount"), "sha256:ab");
  EXPECT_EQ(start->query.at("from"), "o/p");
  auto no_slash = parse_route("/v2/x/y/blobs/uploads");
  ASSERT_TRUE(no_slash);
  EXPECT_EQ(no_slash->endpoint, Endpoint::kUploads);
  EXPECT_EQ(no_slash->name, "x/y");

  auto upload = parse_route("/v2/x/y/blobs/uploads/1234-abcd?digest=sha256%3Aff");
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->endpoint, Endpoint::kUpload);
  EXPECT_EQ(upload->id, "1234-abcd");
  EXPECT_EQ(upload->query.at("digest"), "sha256:ff");

  auto manifest = parse_route("/v2/library/my-app_2/manifests/v1.0");
  ASSERT_TRUE(manifest);
  EXPECT_EQ(manifest->endpoint, Endpoint::kManifest);
  EXPECT_EQ(manifest->name, "library/my-app_2");
  EXPECT_EQ(manifest->id, "v1.0");
}

TEST(SinkRoutesTest, RefusesOtherTargetsAndInvalidNames) {
  for (const char* target :
       {"/", "/v1/_ping", "/v2/x/y", "/v2/x/y/blobs/", "/v2/x/y/manifests/", "/v2/X/y/blobs/d",
        "/v2/x//y/blobs/d", "/v2/-x/blobs/d", "/v2/x./manifests/1", "/v2/x/y/tags/list",
        "/v2/x/y/blobs/uploads/a/b", "http://host/v2/"})
    EXPECT_FALSE(parse_route(target)) << target;
  EXPECT_TRUE(parse_route("/v2/a__b/c.d/e---f/manifests/1"));
  EXPECT_FALSE(parse_route("/v2/a___b/manifests/1"));
}

TEST(SinkRoutesTest, ParsesContentRange) {
  EXPECT_EQ(parse_content_range("0-99"), (std::pair<std::uint64_t, std::uint64_t>{0, 99}));
  EXPECT_EQ(parse_content_range("bytes 100-199"),
            (std::pair<std::uint64_t, std::uint64_t>{100, 199}));
  EXPECT_EQ(parse_content_range("bytes=5-5"), (std::pair<std::uint64_t, std::uint64_t>{5, 5}));
  for (const char* bad : {"", "5", "-5", "5-", "9-5", "a-b", "1-2-3", "0-99/100"})
    EXPECT_FALSE(parse_content_range(bad)) << bad;
}

}  // namespace
}  // namespace layerpush::sink
