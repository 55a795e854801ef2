// A multi-platform image from an OCI layout: every platform's blobs (a shared base layer only
// once), each image manifest by digest, then the index under the tag, byte for byte. skopeo
// copies the whole index back to check it.
#include <fstream>

#include "hashing/sha256.h"
#include "tests/e2e/push_fixture.h"

namespace layerpush::testing {
namespace {

class PushIndexTest : public PushTest {};

TEST_F(PushIndexTest, PushesEveryPlatformThenTheIndex) {
  auto image = make_image({"--format", "oci", "--out", dir("oci"), "--layers", "3", "--layer-size",
                           "1M", "--platforms", "linux/amd64,linux/arm64/v8", "--name", "e2e/multi:v1"});
  auto summary = push_json({"oci:" + dir("oci") + ":v1", dest("e2e/multi:v1")});
  EXPECT_EQ(summary["manifest_digest"], image["manifest_digest"]);
  // 2 configs, the shared layer 0 once, and 2 other layers per platform.
  EXPECT_EQ(summary["blobs"].size(), 7u);
  EXPECT_EQ(registry_->count_requests("PUT", "/blobs/uploads/"), 7);

  // The manifests went in the order an index needs: its images first, by digest.
  std::vector<std::string> manifest_puts;
  for (const auto& r : registry_->requests())
    if (r.method == "PUT" && r.uri.find("/manifests/") != std::string::npos) manifest_puts.push_back(r.uri);
  ASSERT_EQ(manifest_puts.size(), 3u);
  EXPECT_NE(manifest_puts[0].find(image["images"][0]["manifest_digest"].get<std::string>()), std::string::npos);
  EXPECT_NE(manifest_puts[1].find(image["images"][1]["manifest_digest"].get<std::string>()), std::string::npos);
  EXPECT_NE(manifest_puts[2].find("/manifests/v1"), std::string::npos);

  // The registry serves the index byte for byte.
  auto raw = skopeo({"inspect", "--raw", "--tls-verify=false", "docker://" + dest("e2e/multi:v1")});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(hashing::sha256_of(raw.out).str(), image["manifest_digest"]);

  // skopeo reads every platform back, checking each blob's digest.
  auto copy = skopeo({"copy", "--all", "--preserve-digests", "--src-tls-verify=false",
                      "docker://" + dest("e2e/multi:v1"), "oci:" + dir("back") + ":v1"});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  for (const auto& platform : image["images"]) {
    for (const auto& layer : platform["layers"])
      EXPECT_TRUE(std::filesystem::exists(dir("back") + "/blobs/sha256/" +
                                          layer["digest"].get<std::string>().substr(7)));
    EXPECT_TRUE(std::filesystem::exists(dir("back") + "/blobs/sha256/" +
                                        platform["manifest_digest"].get<std::string>().substr(7)));
  }
  std::ifstream index(dir("back") + "/index.json");
  EXPECT_EQ(nlohmann::json::parse(index)["manifests"][0]["digest"], image["manifest_digest"]);

  // Pushed again, nothing travels but the manifests.
  registry_->forget_requests();
  push_json({"oci:" + dir("oci") + ":v1", dest("e2e/multi:v1")});
  EXPECT_EQ(blob_uploads_seen(), 0);
}

TEST_F(PushIndexTest, ANestedIndexIsRefusedAsBadInput) {
  make_image({"--format", "oci", "--out", dir("oci"), "--layers", "1", "--layer-size", "4K",
              "--platforms", "linux/amd64", "--name", "e2e/multi:v1"});
  // Wrap the layout's index in one more index.
  std::ifstream in(dir("oci") + "/index.json");
  const auto top = nlohmann::json::parse(in);
  nlohmann::json outer = {{"schemaVersion", 2},
                          {"mediaType", "application/vnd.oci.image.index.v1+json"},
                          {"manifests", {top["manifests"][0]}}};
  outer["manifests"][0].erase("annotations");
  const std::string bytes = outer.dump();
  const auto digest = hashing::sha256_of(bytes);
  std::ofstream(dir("oci") + "/blobs/sha256/" + std::string(digest.hex())) << bytes;
  nlohmann::json entry = {{"mediaType", "application/vnd.oci.image.index.v1+json"},
                          {"digest", digest.str()},
                          {"size", bytes.size()},
                          {"annotations", {{"org.opencontainers.image.ref.name", "v1"}}}};
  std::ofstream(dir("oci") + "/index.json") << nlohmann::json{{"schemaVersion", 2}, {"manifests", {entry}}}.dump();
  auto r = layerpush({"push", "oci:" + dir("oci") + ":v1", dest("e2e/multi:v1")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("nests another index"), std::string::npos) << r.err;
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0);
}

}  // namespace
}  // namespace layerpush::testing
