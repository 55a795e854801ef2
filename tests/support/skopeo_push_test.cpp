// Pushes images made by layerpush-mkimage into a LocalRegistry with skopeo, and checks both
// what the registry logged and what it stores. This is what the end-to-end tests rely on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "hashing/sha256.h"
#include "tests/support/mkimage.h"
#include "tests/support/process.h"
#include "tests/support/registry.h"

namespace layerpush::testing {
namespace {

using nlohmann::json;

CommandResult skopeo(std::vector<std::string> args) {
  args.insert(args.begin(), {"skopeo", "--insecure-policy"});
  return run_command(args, std::nullopt, {}, 120);
}

// The digest in an upload's final PUT, as the URI carries it: "&digest=sha256%3A<hex>".
std::string digest_query(const std::string& digest) {
  return "digest=sha256%3A" + digest.substr(7);
}

void expect_blob_uploaded(const LocalRegistry& registry, const std::string& repo,
                          const std::string& digest) {
  int puts = 0;
  for (const auto& r : registry.requests())
    if (r.method == "PUT" && r.status == 201 &&
        r.uri.starts_with("/v2/" + repo + "/blobs/uploads/") &&
        r.uri.find(digest_query(digest)) != std::string::npos)
      ++puts;
  EXPECT_EQ(puts, 1) << digest << "\n" << registry.log_text();
}

std::string remote_manifest_digest(const LocalRegistry& registry, const std::string& ref) {
  auto raw =
      skopeo({"inspect", "--raw", "--tls-verify=false", "docker://" + registry.host() + "/" + ref});
  EXPECT_EQ(raw.exit_code, 0) << raw.err;
  auto formatted = skopeo({"inspect", "--tls-verify=false", "--format", "{{.Digest}}",
                           "docker://" + registry.host() + "/" + ref});
  EXPECT_EQ(formatted.exit_code, 0) << formatted.err;
  std::string digest = hashing::sha256_of(raw.out).str();
  EXPECT_EQ(formatted.out, digest + "\n");
  return digest;
}

std::string remote_config_digest(const LocalRegistry& registry, const std::string& ref) {
  auto r = skopeo({"inspect", "--config", "--raw", "--tls-verify=false",
                   "docker://" + registry.host() + "/" + ref});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return hashing::sha256_of(r.out).str();
}

// Uncompressed OCI layers: --preserve-digests stops skopeo from gzipping them on the way, so the
// registry must end up with mkimage's manifest byte for byte.
TEST(SkopeoPushTest, OciLayoutArrivesWithTheSameManifestDigest) {
  TempDir dir;
  json image =
      json::parse(run_mkimage({"--format", "oci", "--out", (dir.path() / "img").string(),
                               "--layers", "3", "--layer-size", "256K", "--name", "test/oci:v1"}));
  auto registry = LocalRegistry::start();
  auto copy = skopeo({"copy", "--preserve-digests", "--dest-tls-verify=false",
                      "oci:" + (dir.path() / "img").string() + ":v1",
                      "docker://" + registry->host() + "/test/oci:v1"});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;

  EXPECT_GE(registry->count_requests("POST", "/v2/test/oci/blobs/uploads/"), 4);
  for (const auto& layer : image["layers"])
    expect_blob_uploaded(*registry, "test/oci", layer["digest"]);
  expect_blob_uploaded(*registry, "test/oci", image["config_digest"]);
  EXPECT_EQ(registry->count_requests("PUT", "/v2/test/oci/manifests/v1"), 1);
  EXPECT_GE(registry->max_open_uploads(), 1);
  EXPECT_EQ(remote_manifest_digest(*registry, "test/oci:v1"), image["manifest_digest"]);
}

// Already-compressed layers are pushed as they are, even without --preserve-digests.
TEST(SkopeoPushTest, GzipOciLayoutArrivesUnchanged) {
  TempDir dir;
  json image = json::parse(
      run_mkimage({"--format", "oci", "--out", (dir.path() / "img").string(), "--layers", "2",
                   "--layer-size", "1M", "--content", "text", "--gzip-layers"}));
  auto registry = LocalRegistry::start();
  auto copy =
      skopeo({"copy", "--dest-tls-verify=false", "oci:" + (dir.path() / "img").string() + ":latest",
              "docker://" + registry->host() + "/test/gz:latest"});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  for (const auto& layer : image["layers"])
    expect_blob_uploaded(*registry, "test/gz", layer["digest"]);
  EXPECT_EQ(remote_manifest_digest(*registry, "test/gz:latest"), image["manifest_digest"]);
}

TEST(SkopeoPushTest, DockerArchiveArrivesWithItsConfig) {
  TempDir dir;
  std::string archive = (dir.path() / "image.tar").string();
  json report = json::parse(run_mkimage(
      {"--format", "docker-archive", "--out", archive, "--layers", "2", "--layer-size", "300K"}));
  const json& image = report["images"].at(0);
  auto inspect = skopeo({"inspect", "docker-archive:" + archive});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(json::parse(inspect.out)["Layers"], image["diff_ids"]);

  auto registry = LocalRegistry::start();
  auto copy = skopeo({"copy", "--dest-tls-verify=false", "docker-archive:" + archive,
                      "docker://" + registry->host() + "/test/archive:v1"});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  // skopeo compresses the layers on the way, so only the config keeps its digest.
  EXPECT_GE(registry->count_requests("PUT", "/v2/test/archive/blobs/uploads/"), 3);
  expect_blob_uploaded(*registry, "test/archive", image["config_digest"]);
  EXPECT_EQ(registry->count_requests("PUT", "/v2/test/archive/manifests/v1"), 1);
  EXPECT_GE(registry->max_open_uploads(), 1);
  EXPECT_EQ(remote_config_digest(*registry, "test/archive:v1"), image["config_digest"]);
}

TEST(SkopeoPushTest, EachImageOfAMultiImageArchiveCanBePushed) {
  TempDir dir;
  std::string archive = (dir.path() / "images.tar").string();
  json report =
      json::parse(run_mkimage({"--format", "docker-archive", "--out", archive, "--layers", "2",
                               "--layer-size", "64K", "--images", "2", "--name", "test/multi:v1"}));
  auto registry = LocalRegistry::start();
  for (const auto& image : report["images"]) {
    std::string repo_tag = image["repo_tag"];  // test/multi-1:v1, test/multi-2:v1
    auto copy =
        skopeo({"copy", "--dest-tls-verify=false", "docker-archive:" + archive + ":" + repo_tag,
                "docker://" + registry->host() + "/" + repo_tag});
    ASSERT_EQ(copy.exit_code, 0) << copy.err;
    EXPECT_EQ(remote_config_digest(*registry, repo_tag), image["config_digest"]);
  }
  EXPECT_EQ(registry->count_requests("PUT", "/manifests/v1"), 2);
}

}  // namespace
}  // namespace layerpush::testing
