// Pushing `docker save` archives: layers streamed from inside the tar and gzip-compressed on the
// fly; checked with skopeo.
#include "tests/e2e/push_fixture.h"

namespace layerpush::testing {
namespace {

class PushArchiveTest : public PushTest {
 protected:
  nlohmann::json make_archive(const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--format", "docker-archive", "--out", dir(name), "--layers",
                                     "3", "--layer-size", "2M", "--content", "text",
                                     "--name", "e2e/saved:1.0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return make_image(args);
  }

  // The registry's image has the archive's config (so its diff_ids), and skopeo can copy it
  // back, checking each compressed layer's digest, with the layers the push reported.
  void expect_pushed(const nlohmann::json& archive_image, const nlohmann::json& summary,
                     const std::string& repo_and_tag) {
    EXPECT_EQ(registry_manifest_digest(repo_and_tag), summary["manifest_digest"]);
    auto config = skopeo({"inspect", "--tls-verify=false", "--config", "docker://" + dest(repo_and_tag)});
    ASSERT_EQ(config.exit_code, 0) << config.err;
    EXPECT_EQ(nlohmann::json::parse(config.out)["rootfs"]["diff_ids"], archive_image["diff_ids"]);
    auto blobs = copy_back(repo_and_tag);
    for (const auto& blob : summary["blobs"])
      EXPECT_TRUE(blobs.count(blob["digest"].get<std::string>())) << blob["digest"];
    EXPECT_TRUE(blobs.count(archive_image["config_digest"].get<std::string>()));
  }
};

TEST_F(PushArchiveTest, PushesArchiveCompressedOnTheFly) {
  auto images = make_archive("saved.tar");
  auto summary = push_json({"docker-archive:" + dir("saved.tar"), dest("e2e/saved:1.0")});
  ASSERT_EQ(summary["blobs"].size(), 4u);
  std::uint64_t layer_bytes = 0;
  for (std::size_t i = 1; i < 4; ++i) layer_bytes += summary["blobs"][i]["size"].get<std::uint64_t>();
  // Text layers of 2 MiB each: gzip must have made them much smaller.
  EXPECT_LT(layer_bytes, 3u * (2u << 20) / 2);
  expect_pushed(images["images"][0], summary, "e2e/saved:1.0");
}

TEST_F(PushArchiveTest, RePushSendsNoBlobBytesAndCompressesToTheSameDigests) {
  make_archive("saved.tar");
  auto first = push_json({"docker-archive:" + dir("saved.tar"), dest("e2e/saved:1.0")});
  registry_->forget_requests();
  // Without the digest cache, so the layers really are compressed again.
  auto second =
      push_json({"docker-archive:" + dir("saved.tar"), dest("e2e/saved:1.0"), "--no-cache"});
  EXPECT_EQ(second["manifest_digest"], first["manifest_digest"]);
  EXPECT_EQ(second["bytes_uploaded"], 0);
  EXPECT_EQ(blob_uploads_seen(), 0) << registry_->log_text();
}

TEST_F(PushArchiveTest, ChoosesOneImageOfSeveral) {
  auto images = make_archive("multi.tar", {"--images", "2"});
  const std::string second_tag = images["images"][1]["repo_tag"];
  auto ambiguous = layerpush({"push", "docker-archive:" + dir("multi.tar"), dest("e2e/x:1")});
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_NE(ambiguous.err.find("holds 2 images"), std::string::npos) << ambiguous.err;
  EXPECT_EQ(registry_->requests().size(), 0u) << "refused before any traffic";

  auto by_tag = push_json({"docker-archive:" + dir("multi.tar") + ":" + second_tag, dest("e2e/x:1")});
  expect_pushed(images["images"][1], by_tag, "e2e/x:1");
  auto by_index = push_json({"docker-archive:" + dir("multi.tar") + ":@0", dest("e2e/y:1")});
  expect_pushed(images["images"][0], by_index, "e2e/y:1");
  // The shared first layer was already in the registry for the second push (same repository
  // namespace does not matter: the registry stores blobs once, but HEAD is per repository).
  EXPECT_NE(by_tag["manifest_digest"], by_index["manifest_digest"]);
}

TEST_F(PushArchiveTest, DetectsABarePathAsAnArchive) {
  auto images = make_archive("saved.tar");
  auto summary = push_json({dir("saved.tar"), dest("e2e/bare:1")});
  expect_pushed(images["images"][0], summary, "e2e/bare:1");
}

TEST_F(PushArchiveTest, LayerThatDoesNotMatchItsDiffIdFailsWithoutATag) {
  auto images = make_archive("saved.tar");
  // Flip a byte inside the first layer's file content, far from any tar header.
  const std::string path = dir("saved.tar");
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  // Every layer tar starts with a 512-byte header for its first file; find layer content by a
  // word the text generator writes, well past the outer archive's first headers.
  const auto at = bytes.find(' ', 64 << 10);
  ASSERT_NE(at, std::string::npos);
  f.seekp(static_cast<std::streamoff>(at));
  f.put('#');
  f.close();
  auto r = layerpush({"push", "docker-archive:" + path, dest("e2e/saved:1.0")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("is corrupt: its config expects diff_id"), std::string::npos) << r.err;
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0);
}

}  // namespace
}  // namespace layerpush::testing
