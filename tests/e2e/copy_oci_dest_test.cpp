// `layerpush copy SRC oci:DIR[:TAG]`: a registry image, a multi-platform index and a
// docker-archive (gzip, zstd or uncompressed layers) written into OCI layouts, each checked with
// skopeo (which verifies every blob's digest as it reads the layout) and by copying the layout
// back into the registry with skopeo;
// a second copy reads no blob; tags kept with --no-clobber; bad destinations refused with one
// sentence and exit status 2 before any traffic; through the fault proxy, a source GET that fails
// once is retried, and a corrupt source blob leaves index.json and the blob's name untouched.
#include "hashing/sha256.h"
#include "tests/e2e/proxy_fixture.h"

namespace layerpush::testing {
namespace {
using nlohmann::json;

class CopyOciDestTest : public PushTest {
 protected:
  // Makes an OCI image with mkimage and pushes it to the registry as `repo_and_tag`.
  json registry_image(std::vector<std::string> mkimage_args, const std::string& repo_and_tag) {
    mkimage_args.insert(mkimage_args.end(), {"--format", "oci", "--out", dir("made")});
    auto image = make_image(mkimage_args);
    push_json({"oci:" + dir("made"), dest(repo_and_tag)});
    return image;
  }

  CommandResult copy(std::vector<std::string> args) const {
    args.insert(args.begin(), "copy");
    return layerpush(args);
  }

  static std::string trimmed(std::string text) {
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

  // skopeo's digest of the layout's image: it reads index.json and the manifest blob.
  std::string skopeo_digest(const std::string& layout_ref) const {
    auto r = skopeo({"inspect", "--format", "{{.Digest}}", layout_ref});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return trimmed(r.out);
  }
};

TEST_F(CopyOciDestTest, CopiesARegistryImageIntoALayoutThatSkopeoReads) {
  auto image = registry_image({"--layers", "3", "--layer-size", "512K"}, "e2e/app:v1");
  registry_->forget_requests();
  auto r = copy({"--json", "docker://" + dest("e2e/app:v1"), "oci:" + dir("layout") + ":v1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = summary_of(r.out);
  EXPECT_EQ(report["destination"], "oci:" + dir("layout") + ":v1");
  EXPECT_EQ(report["manifest_digest"], image["manifest_digest"]);
  ASSERT_EQ(report["blobs"].size(), 4u);
  for (const auto& blob : report["blobs"]) EXPECT_EQ(blob["action"], "written") << blob;
  EXPECT_EQ(registry_->count_requests("GET", "/blobs/sha256:"), 4);
  EXPECT_EQ(skopeo_digest("oci:" + dir("layout") + ":v1"), image["manifest_digest"]);
  // skopeo reads every blob of the layout back, checking its digest, into another repository.
  auto back = skopeo({"copy", "--preserve-digests", "--dest-tls-verify=false",
                      "oci:" + dir("layout") + ":v1", "docker://" + dest("e2e/back:v1")});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(registry_manifest_digest("e2e/back:v1"), image["manifest_digest"]);

  // Again: every blob is in the layout already, so none is fetched.
  registry_->forget_requests();
  auto again = copy({"--json", "docker://" + dest("e2e/app:v1"), "oci:" + dir("layout") + ":v1"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto summary = summary_of(again.out);
  for (const auto& blob : summary["blobs"]) EXPECT_EQ(blob["action"], "exists");
  EXPECT_EQ(registry_->count_requests("GET", "/blobs/sha256:"), 0);
}

TEST_F(CopyOciDestTest, CopiesAMultiPlatformIndexWhole) {
  auto image = registry_image({"--layers", "2", "--layer-size", "256K", "--platforms",
                               "linux/amd64,linux/arm64/v8", "--name", "e2e/multi:v1"},
                              "e2e/multi:v1");
  auto r = copy({"-q", "docker://" + dest("e2e/multi:v1"), "oci:" + dir("layout") + ":multi"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(trimmed(r.out), image["manifest_digest"]);
  const auto index_path =
      dir("layout") + "/blobs/sha256/" + image["manifest_digest"].get<std::string>().substr(7);
  auto index = run_command({"sha256sum", index_path});
  EXPECT_EQ("sha256:" + index.out.substr(0, 64), image["manifest_digest"]);
  auto back = skopeo({"copy", "--all", "--preserve-digests", "--dest-tls-verify=false",
                      "oci:" + dir("layout") + ":multi", "docker://" + dest("e2e/multi-back:v1")});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(registry_manifest_digest("e2e/multi-back:v1"), image["manifest_digest"]);
  for (const auto& platform : image["images"]) {
    auto raw = skopeo(
        {"inspect", "--raw", "--tls-verify=false",
         "docker://" + dest("e2e/multi-back@" + platform["manifest_digest"].get<std::string>())});
    EXPECT_EQ(raw.exit_code, 0) << raw.err;
    EXPECT_EQ(hashing::sha256_of(raw.out).str(), platform["manifest_digest"]);
  }
}

TEST_F(CopyOciDestTest, CopiesOnePlatformUnderANewIndex) {
  auto image = registry_image({"--layers", "2", "--layer-size", "64K", "--platforms",
                               "linux/amd64,linux/arm64/v8", "--name", "e2e/multi:v1"},
                              "e2e/multi:v1");
  auto r = copy({"--platform", "linux/arm64/v8", "docker://" + dest("e2e/multi:v1"),
                 "oci:" + dir("layout") + ":arm"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto raw = skopeo({"inspect", "--raw", "oci:" + dir("layout") + ":arm"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  const auto index = json::parse(raw.out);
  ASSERT_EQ(index["manifests"].size(), 1u);
  EXPECT_EQ(index["manifests"][0]["digest"], image["images"][1]["manifest_digest"]);
  EXPECT_FALSE(
      std::filesystem::exists(dir("layout") + "/blobs/sha256/" +
                              image["images"][0]["config_digest"].get<std::string>().substr(7)));
  auto all = skopeo({"copy", "--all", "oci:" + dir("layout") + ":arm", "dir:" + dir("arm")});
  EXPECT_EQ(all.exit_code, 0) << all.err;
}

TEST_F(CopyOciDestTest, CopiesADockerArchiveAndPrintsTheDigestLine) {
  auto archive =
      make_image({"--format", "docker-archive", "--out", dir("saved.tar"), "--layers", "2",
                  "--layer-size", "1M", "--content", "text", "--name", "e2e/saved:1.0"});
  auto r = copy({"docker-archive:" + dir("saved.tar"), "oci:" + dir("layout") + ":1.0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string digest = skopeo_digest("oci:" + dir("layout") + ":1.0");
  ASSERT_EQ(digest.size(), 71u) << digest;
  auto size =
      run_command({"stat", "-c", "%s", dir("layout") + "/blobs/sha256/" + digest.substr(7)});
  EXPECT_EQ(r.out,
            dir("layout") + ":1.0: digest: " + digest + " size: " + trimmed(size.out) + "\n");
  auto config = skopeo({"inspect", "--config", "oci:" + dir("layout") + ":1.0"});
  ASSERT_EQ(config.exit_code, 0) << config.err;
  EXPECT_EQ(json::parse(config.out)["rootfs"]["diff_ids"], archive["images"][0]["diff_ids"]);
  auto out = skopeo({"copy", "oci:" + dir("layout") + ":1.0", "dir:" + dir("dir-copy")});
  EXPECT_EQ(out.exit_code, 0) << out.err;
}

// --compress and --compress-level hold for a layout as for a registry: each layer is stored as
// chosen, under its OCI type, and decompresses (or, stored plain, hashes) to its diff_id.
TEST_F(CopyOciDestTest, ADockerArchiveIsStoredWithTheChosenCompression) {
  auto archive =
      make_image({"--format", "docker-archive", "--out", dir("saved.tar"), "--layers", "2",
                  "--layer-size", "1M", "--content", "text", "--name", "e2e/saved:1.0"});
  const auto diff_ids = archive["images"][0]["diff_ids"];
  struct Case {
    std::vector<std::string> flags;
    std::string layer_type, decompressor;
  };
  for (const auto& c :
       {Case{{"--compress", "zstd", "--compress-level", "5"},
             "application/vnd.oci.image.layer.v1.tar+zstd",
             "zstd"},
        Case{{"--compress", "none"}, "application/vnd.oci.image.layer.v1.tar", ""}}) {
    SCOPED_TRACE(c.flags[1]);
    const std::string layout = dir("layout-" + c.flags[1]);
    auto args = c.flags;
    args.insert(args.end(), {"docker-archive:" + dir("saved.tar"), "oci:" + layout + ":1.0"});
    auto r = copy(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto manifest = skopeo({"inspect", "--raw", "oci:" + layout + ":1.0"});
    ASSERT_EQ(manifest.exit_code, 0) << manifest.err;
    const auto raw = json::parse(manifest.out);
    EXPECT_EQ(raw["config"]["mediaType"], "application/vnd.oci.image.config.v1+json");
    ASSERT_EQ(raw["layers"].size(), diff_ids.size());
    for (std::size_t i = 0; i < diff_ids.size(); ++i) {
      const auto& layer = raw["layers"][i];
      EXPECT_EQ(layer["mediaType"], c.layer_type);
      const std::string digest = layer["digest"];
      auto bytes = run_command({"cat", layout + "/blobs/sha256/" + digest.substr(7)}).out;
      if (!c.decompressor.empty()) {
        auto plain = run_command({c.decompressor, "-dc"}, bytes);
        ASSERT_EQ(plain.exit_code, 0) << plain.err;
        bytes = plain.out;
      }
      EXPECT_EQ(hashing::sha256_of(bytes).str(), diff_ids[i]) << "layer " << i;
    }
    // skopeo reads the layout back, checking every blob's digest.
    auto out = skopeo({"copy", "oci:" + layout + ":1.0", "dir:" + dir("dir-" + c.flags[1])});
    EXPECT_EQ(out.exit_code, 0) << out.err;
  }
}

TEST_F(CopyOciDestTest, WithoutATagTheImageIsAddedUntaggedAsSkopeoDoes) {
  auto image = make_image({"--format", "oci", "--out", dir("made"), "--layers", "1", "--layer-size",
                           "4K", "--name", "e2e/app:v1"});
  auto r = copy({"oci:" + dir("made") + ":v1", "oci:" + dir("layout")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto index = json::parse(run_command({"cat", dir("layout") + "/index.json"}).out);
  ASSERT_EQ(index["manifests"].size(), 1u);
  EXPECT_EQ(index["manifests"][0]["digest"], image["manifest_digest"]);
  EXPECT_FALSE(index["manifests"][0].contains("annotations")) << index;
  EXPECT_EQ(skopeo_digest("oci:" + dir("layout")), image["manifest_digest"]);
}

TEST_F(CopyOciDestTest, NoClobberKeepsATagOfAnotherImage) {
  make_image({"--format", "oci", "--out", dir("a"), "--layers", "1", "--layer-size", "4K"});
  make_image(
      {"--format", "oci", "--out", dir("b"), "--layers", "1", "--layer-size", "4K", "--seed", "9"});
  ASSERT_EQ(copy({"oci:" + dir("a"), "oci:" + dir("layout") + ":v1"}).exit_code, 0);
  const auto before = run_command({"cat", dir("layout") + "/index.json"}).out;
  auto r = copy({"--no-clobber", "oci:" + dir("b"), "oci:" + dir("layout") + ":v1"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("--no-clobber"), std::string::npos) << r.err;
  EXPECT_EQ(run_command({"cat", dir("layout") + "/index.json"}).out, before);
}

TEST_F(CopyOciDestTest, BadDestinationsAreRefusedWithOneSentence) {
  registry_image({"--layers", "1", "--layer-size", "4K"}, "e2e/app:v1");
  registry_->forget_requests();
  const std::string src = "docker://" + dest("e2e/app:v1");
  const std::vector<std::vector<std::string>> bad = {
      {src, "oci:"},
      {src, "oci:" + dir("layout") + ":"},
      {src, "oci:" + dir("layout") + "@sha256:" + std::string(64, 'a')},
      {src, "dir:" + dir("layout")},
      {"--chunk-size", "8M", src, "oci:" + dir("layout") + ":v1"},
      {"--authfile", dir("auth.json"), src, "oci:" + dir("layout") + ":v1"},
      {"--jobs", "0", src, "oci:" + dir("layout") + ":v1"},
  };
  for (const auto& args : bad) {
    auto r = copy(args);
    EXPECT_EQ(r.exit_code, 2) << args[args.size() - 1] << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.err.starts_with("layerpush: ")) << r.err;
  }
  EXPECT_TRUE(registry_->requests().empty());
  EXPECT_FALSE(std::filesystem::exists(dir("layout")));
}

class CopyOciDestProxyTest : public ProxyPushTest {
 protected:
  // Pushes a small image to the registry and puts the proxy in front of it with `rules`.
  nlohmann::json pushed_behind_proxy(const nlohmann::json& rules) {
    auto image = small_image("e2e/app:v1", 2, "256K");
    push_json({"oci:" + dir("oci"), dest("e2e/app:v1")});
    start_proxy(rules);
    return image;
  }
};

TEST_F(CopyOciDestProxyTest, ASourceReadThatFailsOnceIsRetried) {
  auto image = pushed_behind_proxy(json::array({{{"method", "GET"},
                                                 {"path", "/blobs/sha256:"},
                                                 {"times", 1},
                                                 {"respond", {{"status", 503}}}}}));
  auto r = layerpush(
      {"copy", "--json", "docker://" + via("e2e/app:v1"), "oci:" + dir("layout") + ":v1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  settle_proxy_log();
  EXPECT_EQ(proxy_actions("respond"), 1);
  EXPECT_EQ(summary_of(r.out)["manifest_digest"], image["manifest_digest"]);
  auto check = skopeo({"copy", "oci:" + dir("layout") + ":v1", "dir:" + dir("checked")});
  EXPECT_EQ(check.exit_code, 0) << check.err;
}

TEST_F(CopyOciDestProxyTest, ACorruptSourceBlobLeavesTheIndexAlone) {
  auto image =
      pushed_behind_proxy(json::array({{{"method", "GET"},
                                        {"path", "/blobs/sha256:"},
                                        {"respond", {{"status", 200}, {"body", "garbage"}}}}}));
  auto r = layerpush({"copy", "docker://" + via("e2e/app:v1"), "oci:" + dir("layout") + ":v1"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("corrupt"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir("layout") + "/index.json"));
  // Nothing but blobs that hash to their names; no temporary file left.
  for (const auto& entry : std::filesystem::directory_iterator(dir("layout") + "/blobs/sha256"))
    ADD_FAILURE() << "left behind: " << entry.path();
}

}  // namespace
}  // namespace layerpush::testing
