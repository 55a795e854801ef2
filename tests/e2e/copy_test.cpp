// `layerpush copy docker://A/… docker://B/…` between two real registries, checked with skopeo
// and the registries' access logs: digests kept byte for byte, each blob sent once (or mounted
// within one registry), a corrupt source blob refused before any manifest, redirects of the
// source's blob reads followed without credentials, and bad arguments refused before any traffic.
#include <fstream>

#include "tests/e2e/source_fixture.h"

namespace layerpush::testing {
namespace {
using nlohmann::json;

class CopyTest : public SourceRegistryTest {
 protected:
  // Runs layerpush copy with its temporary folder in the test's, to see that it stays empty.
  CommandResult copy(std::vector<std::string> args) const {
    std::filesystem::create_directories(dir("tmp"));
    args.insert(args.begin(), "copy");
    return layerpush(args, {"TMPDIR=" + dir("tmp")});
  }
};

TEST_F(CopyTest, CopiesBetweenRegistriesWithTheSameDigestAndEachBlobOnce) {
  auto image = source_image({"--layers", "3", "--layer-size", "1M"}, "e2e/app:v1");
  registry_->forget_requests();
  auto r = copy({"--json", "docker://" + src("e2e/app:v1"), "docker://" + dest("e2e/app:v1")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = summary_of(r.out);
  EXPECT_EQ(report["manifest_digest"], image["manifest_digest"]);
  ASSERT_EQ(report["blobs"].size(), 4u);
  for (const auto& blob : report["blobs"]) EXPECT_EQ(blob["action"], "uploaded") << blob;
  EXPECT_EQ(raw_digest("e2e/app:v1"), image["manifest_digest"]);
  // Each blob went up once, and skopeo reads every one back with its digest checked.
  for (const auto& layer : image["layers"]) EXPECT_EQ(commits_of(layer["digest"]), 1) << layer;
  EXPECT_EQ(commits_of(image["config_digest"]), 1);
  EXPECT_EQ(registry_->count_requests("POST", "/blobs/uploads/"), 4);
  const auto back = copy_back("e2e/app:v1");
  for (const auto& layer : image["layers"]) EXPECT_TRUE(back.count(layer["digest"])) << layer;
  EXPECT_TRUE(back.count(image["config_digest"]));
  // Streamed: nothing was written to a temporary file, and the upload journal is empty again.
  EXPECT_TRUE(std::filesystem::is_empty(dir("tmp")));
  const auto journal = dir("state") + "/layerpush/uploads";
  if (std::filesystem::exists(journal)) {
    EXPECT_TRUE(std::filesystem::is_empty(journal));
  }
}

TEST_F(CopyTest, CopyingAgainSendsNoBlob) {
  auto image = source_image({"--layers", "2", "--layer-size", "256K"}, "e2e/app:v1");
  auto first = copy({"docker://" + src("e2e/app:v1"), "docker://" + dest("e2e/app:v1")});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  registry_->forget_requests();
  auto again = copy({"--json", "docker://" + src("e2e/app:v1"), "docker://" + dest("e2e/app:v1")});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(blob_uploads_seen(), 0);
  const auto summary = summary_of(again.out);
  for (const auto& blob : summary["blobs"]) EXPECT_EQ(blob["action"], "exists");
  EXPECT_EQ(raw_digest("e2e/app:v1"), image["manifest_digest"]);
}

TEST_F(CopyTest, CopiesAMultiPlatformIndexWhole) {
  auto image = source_image({"--layers", "2", "--layer-size", "256K", "--platforms",
                             "linux/amd64,linux/arm64/v8", "--name", "e2e/multi:v1"},
                            "e2e/multi:v1");
  auto r = copy({"--json", "docker://" + src("e2e/multi:v1"), "docker://" + dest("e2e/multi:v1")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(summary_of(r.out)["manifest_digest"], image["manifest_digest"]);
  EXPECT_EQ(raw_digest("e2e/multi:v1"), image["manifest_digest"]);
  for (const auto& platform : image["images"])
    EXPECT_EQ(raw_digest("e2e/multi@" + platform["manifest_digest"].get<std::string>()),
              platform["manifest_digest"]);
  auto back = skopeo({"copy", "--all", "--preserve-digests", "--src-tls-verify=false",
                      "docker://" + dest("e2e/multi:v1"), "oci:" + dir("back") + ":v1"});
  EXPECT_EQ(back.exit_code, 0) << back.err;
}

TEST_F(CopyTest, CopiesOnePlatformUnderANewIndex) {
  auto image = source_image({"--layers", "2", "--layer-size", "256K", "--platforms",
                             "linux/amd64,linux/arm64/v8", "--name", "e2e/multi:v1"},
                            "e2e/multi:v1");
  const auto& amd64 = image["images"][0];
  const auto& arm64 = image["images"][1];
  ASSERT_EQ(arm64["platform"], "linux/arm64/v8");
  auto r = copy({"--platform", "linux/arm64/v8", "docker://" + src("e2e/multi:v1"),
                 "docker://" + dest("e2e/multi:v1")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto raw = skopeo({"inspect", "--tls-verify=false", "--raw", "docker://" + dest("e2e/multi:v1")});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  const auto index = json::parse(raw.out);
  EXPECT_NE(hashing::sha256_of(raw.out).str(), image["manifest_digest"]);
  EXPECT_EQ(index["mediaType"], "application/vnd.oci.image.index.v1+json");
  ASSERT_EQ(index["manifests"].size(), 1u);
  EXPECT_EQ(index["manifests"][0]["digest"], arm64["manifest_digest"]);
  EXPECT_EQ(commits_of(arm64["config_digest"]), 1);
  for (const auto& layer : arm64["layers"]) EXPECT_EQ(commits_of(layer["digest"]), 1) << layer;
  // Nothing of the other platform but the layer both share.
  EXPECT_EQ(commits_of(amd64["config_digest"]), 0);
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/" + amd64["manifest_digest"].get<std::string>()), 0);
  auto back = skopeo({"copy", "--all", "--preserve-digests", "--src-tls-verify=false",
                      "docker://" + dest("e2e/multi:v1"), "oci:" + dir("back") + ":v1"});
  EXPECT_EQ(back.exit_code, 0) << back.err;
}

TEST_F(CopyTest, MountsBlobsWithinOneRegistry) {
  auto image = make_image({"--format", "oci", "--out", dir("oci"), "--layers", "2",
                           "--layer-size", "256K"});
  push_json({"oci:" + dir("oci"), dest("e2e/app:v1")});
  registry_->forget_requests();
  auto r = copy({"--json", "docker://" + dest("e2e/app:v1"), "docker://" + dest("e2e/mirror:v1")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = summary_of(r.out);
  ASSERT_EQ(report["blobs"].size(), 3u);
  for (const auto& blob : report["blobs"]) EXPECT_EQ(blob["action"], "mounted") << blob;
  EXPECT_EQ(report["bytes_uploaded"], 0);
  EXPECT_EQ(mounts_seen(), 3);
  EXPECT_EQ(registry_->count_requests("POST", "from=e2e/app"), 3);
  EXPECT_EQ(registry_->count_requests("PATCH", "/blobs/uploads/"), 0);
  EXPECT_EQ(registry_->count_requests("PUT", "/blobs/uploads/"), 0);
  EXPECT_EQ(raw_digest("e2e/mirror:v1"), image["manifest_digest"]);
  const auto back = copy_back("e2e/mirror:v1");
  for (const auto& layer : image["layers"]) EXPECT_TRUE(back.count(layer["digest"])) << layer;
}

TEST_F(CopyTest, ACorruptSourceBlobEndsTheCopyWithoutAManifest) {
  source_image({"--layers", "2", "--layer-size", "256K"}, "e2e/app:v1");
  proxy_ = FaultProxy::start(source_->host(),
                             json::array({{{"method", "GET"}, {"path", "/blobs/sha256:"},
                                           {"respond", {{"status", 200}, {"body", "garbage"}}}}}));
  auto r = copy({"docker://" + proxy_->host() + "/e2e/app:v1", "docker://" + dest("e2e/app:v1")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("corrupt"), std::string::npos) << r.err;
  EXPECT_GE(proxy_actions("respond"), 1);
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0);
  auto inspect = skopeo({"inspect", "--tls-verify=false", "--raw", "docker://" + dest("e2e/app:v1")});
  EXPECT_NE(inspect.exit_code, 0);
}

class CopyRedirectTest : public CopyTest {
 protected:
  // A source that wants a login, whose credentials must not follow a redirect.
  LocalRegistry::Options source_options() const override {
    return {.basic_user = "sam", .basic_password = "copy-pw-41c7"};
  }
};

TEST_F(CopyRedirectTest, FollowsARedirectOfTheSourceBlobWithoutCredentials) {
  const auto basic = run_command({"sh", "-c", "printf %s sam:copy-pw-41c7 | base64 -w0"}).out;
  const std::string config = dir("config.json");
  proxy_ = FaultProxy::start(
      source_->host(),
      json::array({{{"method", "GET"}, {"path", "/blobs/sha256:"}, {"listener", 0},
                    {"redirect", {{"status", 307}, {"to_listener", 1}}}},
                   {{"listener", 1},
                    {"set_header", {{"name", "Authorization"}, {"value", "Basic " + basic}}}}}),
      {.second_listener = true});
  std::ofstream(config) << json{{"auths", {{source_->host(), {{"auth", basic}}},
                                           {proxy_->host(), {{"auth", basic}}}}}}.dump();
  auto image = source_image({"--layers", "2", "--layer-size", "256K"}, "e2e/app:v1",
                            {"--authfile", config});
  auto r = copy({"--src-authfile", config, "docker://" + proxy_->host() + "/e2e/app:v1",
                 "docker://" + dest("e2e/app:v1")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  settle_proxy_log();
  int redirected = 0;
  int on_storage = 0;
  for (const auto& p : proxy_->requests()) {
    const bool blob_read = p.method == "GET" && p.target.find("/blobs/sha256:") != std::string::npos;
    if (p.listener == 0 && blob_read) {
      ++redirected;
      EXPECT_TRUE(p.authorization) << p.target;
    }
    if (p.listener != 1) continue;
    ++on_storage;
    EXPECT_FALSE(p.authorization) << "credentials followed a redirect to " << p.target;
  }
  EXPECT_EQ(redirected, 3);
  EXPECT_EQ(on_storage, 3);
  EXPECT_EQ(raw_digest("e2e/app:v1"), image["manifest_digest"]);
  copy_back("e2e/app:v1");
}

TEST_F(CopyTest, BadArgumentsAreRefusedBeforeAnyTraffic) {
  registry_->forget_requests();
  source_->forget_requests();
  const std::vector<std::vector<std::string>> bad = {
      {"docker://" + src("e2e/App:v1"), "docker://" + dest("e2e/app:v1")},
      {"docker://" + src("e2e/app:v1"), dest("e2e/app:v1")},
      {"registry:" + src("e2e/app:v1"), "docker://" + dest("e2e/app:v1")},
      {"docker://" + src("e2e/app:v1"), "docker://" + dest("e2e/app:" + std::string(129, 'x'))},
      {"--platform", "linux", "docker://" + src("e2e/app:v1"), "docker://" + dest("e2e/app:v1")},
  };
  for (const auto& args : bad) {
    auto r = copy(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << ": " << r.err;
  }
  // A source flag out of range is named as typed.
  auto r = copy({"--src-retries", "101", "docker://" + src("e2e/app:v1"), "docker://" + dest("e2e/app:v1")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(r.err, "layerpush: --src-retries is 101; it must be 0 to 100\n");
  EXPECT_TRUE(registry_->requests().empty());
  EXPECT_TRUE(source_->requests().empty());
}

TEST_F(CopyTest, AMissingSourceTagIsNamed) {
  source_image({"--layers", "1", "--layer-size", "4K"}, "e2e/app:v1");
  auto r = copy({"docker://" + src("e2e/app:v9"), "docker://" + dest("e2e/app:v1")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(src("e2e/app")), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("v9"), std::string::npos) << r.err;
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0);
}

}  // namespace
}  // namespace layerpush::testing
