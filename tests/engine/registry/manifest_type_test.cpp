#include "engine/registry/manifest_type.h"

#include <gtest/gtest.h>

namespace layerpush::engine {
namespace {

constexpr const char* kOci = "application/vnd.oci.image.manifest.v1+json";

TEST(ManifestAccept, ListsEveryManifestAndIndexType) {
  EXPECT_EQ(manifest_accept(),
            "application/vnd.oci.image.manifest.v1+json, "
            "application/vnd.oci.image.index.v1+json, "
            "application/vnd.docker.distribution.manifest.v2+json, "
            "application/vnd.docker.distribution.manifest.list.v2+json");
}

TEST(ManifestMediaType, TakesTheContentTypeWithoutParameters) {
  EXPECT_EQ(manifest_media_type(kOci, "{}"), kOci);
  EXPECT_EQ(manifest_media_type(std::string(kOci) + "; charset=utf-8", "{}"), kOci);
  EXPECT_EQ(manifest_media_type(std::string("  ") + kOci + " ;x=y", "{}"), kOci);
  // The header wins over the document: it is what the registry stored the bytes as.
  EXPECT_EQ(manifest_media_type(
                kOci, R"({"mediaType":"application/vnd.docker.distribution.manifest.v2+json"})"),
            kOci);
}

TEST(ManifestMediaType, FallsBackToTheDocumentsMediaType) {
  EXPECT_EQ(manifest_media_type(
                "", R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"})"),
            "application/vnd.oci.image.index.v1+json");
  EXPECT_EQ(manifest_media_type(" ; charset=utf-8", R"({"mediaType":"x/y"})"), "x/y");
}

TEST(ManifestMediaType, EmptyWhenNeitherSays) {
  EXPECT_EQ(manifest_media_type("", R"({"schemaVersion":2})"), "");
  EXPECT_EQ(manifest_media_type("", R"({"mediaType":7})"), "");
  EXPECT_EQ(manifest_media_type("", "not json"), "");
  EXPECT_EQ(manifest_media_type("", R"(["mediaType"])"), "");
  EXPECT_EQ(manifest_media_type("", ""), "");
}

}  // namespace
}  // namespace layerpush::engine
