// --compress and --compress-level on docker-archive pushes, checked with skopeo and the system's
// gzip and zstd: gzip layers in a Docker manifest, zstd layers in an OCI manifest, uncompressed
// layers whose digest is their diff_id; each layer decompresses to its diff_id, pushing again
// gives the same manifest digest, and a bad level is refused before any traffic.
#include <fstream>

#include "hashing/sha256.h"
#include "tests/e2e/push_fixture.h"

namespace layerpush::testing {
namespace {

class PushCompressTest : public PushTest {
 protected:
  nlohmann::json make_archive() {
    return make_image({"--format", "docker-archive", "--out", dir("saved.tar"), "--layers", "2",
                       "--layer-size", "3M", "--content", "text", "--name", "e2e/saved:1.0"})
        ["images"][0];
  }

  nlohmann::json raw_manifest(const std::string& repo_and_tag) const {
    auto r = skopeo({"inspect", "--tls-verify=false", "--raw", "docker://" + dest(repo_and_tag)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, false);
  }

  // Copies the image back with skopeo (it checks every blob's digest), then decompresses each
  // layer with `program` ("" for none) and checks it against the config's diff_ids.
  void expect_layers_decompress(const std::string& repo_and_tag, const nlohmann::json& archive,
                                const std::string& program) {
    const std::string out = dir("back-" + program);
    auto copy = skopeo({"copy", "--preserve-digests", "--src-tls-verify=false",
                        "docker://" + dest(repo_and_tag), "oci:" + out + ":back"});
    ASSERT_EQ(copy.exit_code, 0) << copy.err;
    const auto manifest = raw_manifest(repo_and_tag);
    ASSERT_EQ(manifest["layers"].size(), archive["diff_ids"].size());
    for (std::size_t i = 0; i < manifest["layers"].size(); ++i) {
      const std::string digest = manifest["layers"][i]["digest"];
      const std::string path = out + "/blobs/sha256/" + digest.substr(7);
      std::ifstream in(path, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), {});
      ASSERT_FALSE(bytes.empty()) << path;
      if (!program.empty()) {
        auto plain = run_command({program, "-dc"}, bytes);
        ASSERT_EQ(plain.exit_code, 0) << plain.err;
        bytes = plain.out;
      }
      EXPECT_EQ(hashing::sha256_of(bytes).str(), archive["diff_ids"][i]) << "layer " << i;
    }
  }
};

TEST_F(PushCompressTest, GzipLayersGoInADockerManifest) {
  const auto archive = make_archive();
  auto summary = push_json({"--compress", "gzip", "--compress-level", "2",
                            "docker-archive:" + dir("saved.tar"), dest("e2e/gz:1")});
  const auto manifest = raw_manifest("e2e/gz:1");
  EXPECT_EQ(manifest["mediaType"], "application/vnd.docker.distribution.manifest.v2+json");
  for (const auto& layer : manifest["layers"])
    EXPECT_EQ(layer["mediaType"], "application/vnd.docker.image.rootfs.diff.tar.gzip");
  expect_layers_decompress("e2e/gz:1", archive, "gzip");
  // --no-cache: compressed again, not remembered.
  auto again = push_json({"--compress", "gzip", "--compress-level", "2", "--no-cache",
                          "docker-archive:" + dir("saved.tar"), dest("e2e/gz:2")});
  EXPECT_EQ(again["manifest_digest"], summary["manifest_digest"]);
}

TEST_F(PushCompressTest, ZstdLayersGoInAnOciManifestAndPushAgainToTheSameDigest) {
  const auto archive = make_archive();
  auto summary = push_json({"--compress", "zstd", "docker-archive:" + dir("saved.tar"),
                            dest("e2e/zst:1")});
  EXPECT_EQ(registry_manifest_digest("e2e/zst:1"), summary["manifest_digest"]);
  const auto manifest = raw_manifest("e2e/zst:1");
  EXPECT_EQ(manifest["mediaType"], "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(manifest["config"]["mediaType"], "application/vnd.oci.image.config.v1+json");
  std::uint64_t layer_bytes = 0;
  for (const auto& layer : manifest["layers"]) {
    EXPECT_EQ(layer["mediaType"], "application/vnd.oci.image.layer.v1.tar+zstd");
    layer_bytes += layer["size"].get<std::uint64_t>();
  }
  EXPECT_LT(layer_bytes, 2u * (3u << 20) / 2) << "text layers should compress";
  auto config = skopeo({"inspect", "--tls-verify=false", "--config", "docker://" + dest("e2e/zst:1")});
  ASSERT_EQ(config.exit_code, 0) << config.err;
  EXPECT_EQ(nlohmann::json::parse(config.out)["rootfs"]["diff_ids"], archive["diff_ids"]);
  expect_layers_decompress("e2e/zst:1", archive, "zstd");

  // Another repository and no digest cache, so every blob is compressed and sent again: the
  // same bytes.
  auto again = push_json({"--compress", "zstd", "--no-cache", "docker-archive:" + dir("saved.tar"),
                          dest("e2e/zst2:1")});
  EXPECT_EQ(again["manifest_digest"], summary["manifest_digest"]);
  EXPECT_GT(again["bytes_uploaded"].get<std::uint64_t>(), 0u);
}

TEST_F(PushCompressTest, NoneSendsTheTarsWithTheirDiffIdsAsDigests) {
  const auto archive = make_archive();
  push_json({"--compress", "none", "docker-archive:" + dir("saved.tar"), dest("e2e/tar:1")});
  const auto manifest = raw_manifest("e2e/tar:1");
  EXPECT_EQ(manifest["mediaType"], "application/vnd.docker.distribution.manifest.v2+json");
  for (std::size_t i = 0; i < manifest["layers"].size(); ++i) {
    EXPECT_EQ(manifest["layers"][i]["mediaType"], "application/vnd.docker.image.rootfs.diff.tar");
    EXPECT_EQ(manifest["layers"][i]["digest"], archive["diff_ids"][i]);
  }
  expect_layers_decompress("e2e/tar:1", archive, "");
}

TEST_F(PushCompressTest, BadAlgorithmOrLevelIsRefusedBeforeAnyTraffic) {
  make_archive();
  const std::string source = "docker-archive:" + dir("saved.tar");
  auto level = layerpush({"push", "--compress-level", "4", source, dest("e2e/x:1")});
  EXPECT_EQ(level.exit_code, 2);
  EXPECT_NE(level.err.find("--compress-level 4 is out of range; gzip levels are 0 to 3"),
            std::string::npos) << level.err;
  auto zstd = layerpush({"push", "--compress", "zstd", "--compress-level", "0", source,
                         dest("e2e/x:1")});
  EXPECT_EQ(zstd.exit_code, 2);
  EXPECT_NE(zstd.err.find("zstd levels are 1 to 22"), std::string::npos) << zstd.err;
  auto name = layerpush({"push", "--compress", "xz", source, dest("e2e/x:1")});
  EXPECT_EQ(name.exit_code, 2);
  EXPECT_NE(name.err.find("it must be gzip, zstd or none"), std::string::npos) << name.err;
  EXPECT_EQ(registry_->requests().size(), 0u);
}

}  // namespace
}  // namespace layerpush::testing
