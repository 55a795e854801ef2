// `layerpush tag REF NEWTAG` and `push --no-clobber` against a real registry, checked with skopeo
// and the registry's access log: a tag is added by putting the manifest bytes again, never by
// touching a blob, and an existing tag that points elsewhere is left alone unless forced.
#include <fstream>

#include "tests/e2e/proxy_fixture.h"
#include "tests/e2e/token_fixture.h"

namespace layerpush::testing {
namespace {

class TagTest : public PushTest {
 protected:
  void SetUp() override {
    PushTest::SetUp();
    image_ = make_oci("oci", "1");
    push_json({"oci:" + dir("oci"), dest("e2e/app:v1")});
    digest_ = image_["manifest_digest"];
  }

  nlohmann::json make_oci(const std::string& name, const std::string& seed) const {
    return make_image({"--format", "oci", "--out", dir(name), "--layers", "2", "--layer-size",
                       "256K", "--seed", seed, "--name", "e2e/app:v1"});
  }

  // The manifest bytes the registry serves for `repo_and_tag`, as skopeo reads them.
  std::string raw_manifest(const std::string& repo_and_tag) const {
    auto r = skopeo({"inspect", "--tls-verify=false", "--raw", "docker://" + dest(repo_and_tag)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  // Every request since the last forget_requests() left the blobs alone: no upload and no read.
  void expect_no_blob_requests() const {
    for (const auto& request : registry_->requests())
      EXPECT_EQ(request.uri.find("/blobs/"), std::string::npos)
          << request.method << " " << request.uri;
  }

  bool tag_exists(const std::string& repo_and_tag) const {
    return skopeo({"inspect", "--tls-verify=false", "--raw", "docker://" + dest(repo_and_tag)})
               .exit_code == 0;
  }

  nlohmann::json image_;
  std::string digest_;
};

TEST_F(TagTest, AddsATagByTagWithTheSameBytesAndNoBlobRequests) {
  registry_->forget_requests();
  auto r = layerpush({"tag", dest("e2e/app:v1"), "v2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "v2: digest: " + digest_ +
                       " size: " + std::to_string(image_["manifest_size"].get<int>()) + "\n");
  expect_no_blob_requests();
  EXPECT_EQ(registry_->count_requests("PUT", "/v2/e2e/app/manifests/v2"), 1);
  EXPECT_EQ(registry_->count_requests("GET", "/v2/e2e/app/manifests/v1"), 1);
  EXPECT_EQ(registry_manifest_digest("e2e/app:v2"), digest_);
  EXPECT_EQ(registry_manifest_digest("e2e/app:v1"), digest_);
  // The OCI manifest went back as it was: same bytes, same media type.
  const auto raw = raw_manifest("e2e/app:v2");
  EXPECT_EQ(raw, raw_manifest("e2e/app:v1"));
  EXPECT_EQ(nlohmann::json::parse(raw)["mediaType"], "application/vnd.oci.image.manifest.v1+json");
}

TEST_F(TagTest, AddsATagByDigest) {
  registry_->forget_requests();
  auto r = layerpush({"tag", "--json", dest("e2e/app@" + digest_), "stable"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report["reference"], dest("e2e/app:stable"));
  EXPECT_EQ(report["source"], dest("e2e/app@" + digest_));
  EXPECT_EQ(report["manifest_digest"], digest_);
  EXPECT_EQ(report["manifest_size"], image_["manifest_size"]);
  EXPECT_EQ(report["media_type"], "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(report["action"], "added");
  expect_no_blob_requests();
  EXPECT_EQ(registry_->count_requests("GET", "/v2/e2e/app/manifests/" + digest_), 1);
  EXPECT_EQ(registry_manifest_digest("e2e/app:stable"), digest_);
  EXPECT_EQ(registry_manifest_digest("e2e/app:v1"), digest_);
  EXPECT_EQ(raw_manifest("e2e/app:stable"), raw_manifest("e2e/app:v1"));
}

TEST_F(TagTest, RefusesToMoveATagThatPointsElsewhereUnlessForced) {
  const auto other = make_oci("other", "2");
  push_json({"oci:" + dir("other"), dest("e2e/app:prod")});
  const std::string other_digest = other["manifest_digest"];
  ASSERT_NE(other_digest, digest_);
  registry_->forget_requests();
  auto refused = layerpush({"tag", dest("e2e/app:v1"), "prod"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err, "layerpush: tag prod on " + registry_->host() +
                             "/e2e/app already points at " + other_digest +
                             "; tag adds, never moves: pass --force to move it\n");
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0) << registry_->log_text();
  EXPECT_EQ(registry_manifest_digest("e2e/app:prod"), other_digest);

  registry_->forget_requests();
  auto forced = layerpush({"tag", "--force", "--json", dest("e2e/app:v1"), "prod"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  const auto report = nlohmann::json::parse(forced.out);
  EXPECT_EQ(report["action"], "moved");
  EXPECT_EQ(report["previous_digest"], other_digest);
  EXPECT_EQ(registry_->count_requests("PUT", "/v2/e2e/app/manifests/prod"), 1);
  expect_no_blob_requests();
  EXPECT_EQ(registry_manifest_digest("e2e/app:prod"), digest_);
}

TEST_F(TagTest, ATagAlreadyOnTheImageIsANoOp) {
  ASSERT_EQ(layerpush({"tag", dest("e2e/app:v1"), "v2"}).exit_code, 0);
  registry_->forget_requests();
  auto r = layerpush({"tag", dest("e2e/app:v1"), "v2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("tag v2 already points at " + digest_ + "; nothing changed"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0);
  EXPECT_EQ(registry_->count_requests("HEAD", "/v2/e2e/app/manifests/v2"), 1);
  auto quiet = layerpush({"tag", "-q", dest("e2e/app:v1"), "v1"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.out, digest_ + "\n");
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0);
  EXPECT_EQ(registry_manifest_digest("e2e/app:v2"), digest_);
}

TEST_F(TagTest, AMissingSourceNamesHostRepositoryAndTag) {
  auto r = layerpush({"tag", dest("e2e/app:nope"), "v2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(registry_->host() + "/e2e/app has no manifest nope: 404"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("MANIFEST_UNKNOWN"), std::string::npos) << r.err;
  auto no_repo = layerpush({"tag", dest("e2e/none:v1"), "v2"});
  EXPECT_EQ(no_repo.exit_code, 1);
  EXPECT_NE(no_repo.err.find(registry_->host() + "/e2e/none has no manifest v1: 404"),
            std::string::npos)
      << no_repo.err;
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/v2"), 0);
  EXPECT_FALSE(tag_exists("e2e/app:v2"));
}

TEST_F(TagTest, ABadNewTagIsRefusedBeforeAnyTraffic) {
  registry_->forget_requests();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"-x", "new tag \"-x\" is invalid: tag \"-x\" must start with a letter, digit or underscore"},
      {"a/b",
       "new tag \"a/b\" is invalid: tag \"a/b\" has the character '/'; tags are letters, "
       "digits, '_', '.' and '-'"},
      {".x", "new tag \".x\" is invalid: tag \".x\" must start with a letter, digit or underscore"},
      {std::string(129, 'a'), "is invalid: tag is 129 characters; the limit is 128"},
  };
  for (const auto& [tag, message] : cases) {
    // After "--", as a tag starting with '-' would otherwise be read as an option.
    auto r = layerpush({"tag", "--", dest("e2e/app:v1"), tag});
    EXPECT_EQ(r.exit_code, 2) << tag;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
  EXPECT_EQ(registry_->requests().size(), 0u) << registry_->log_text();
}

TEST_F(TagTest, KeepsADockerManifestsMediaTypeAndBytes) {
  make_image({"--format", "docker-archive", "--out", dir("saved.tar"), "--layers", "2",
              "--layer-size", "256K", "--name", "e2e/saved:1.0"});
  const auto pushed = push_json({"docker-archive:" + dir("saved.tar"), dest("e2e/saved:1.0")});
  registry_->forget_requests();
  auto r = layerpush({"tag", "-q", dest("e2e/saved:1.0"), "latest"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, pushed["manifest_digest"].get<std::string>() + "\n");
  expect_no_blob_requests();
  const auto raw = raw_manifest("e2e/saved:latest");
  EXPECT_EQ(raw, raw_manifest("e2e/saved:1.0"));
  EXPECT_EQ(nlohmann::json::parse(raw)["mediaType"],
            "application/vnd.docker.distribution.manifest.v2+json");
  EXPECT_EQ(registry_manifest_digest("e2e/saved:latest"), pushed["manifest_digest"]);
}

class NoClobberTest : public TagTest {};

TEST_F(NoClobberTest, LeavesATagThatPointsAtAnotherImage) {
  const auto other = make_oci("other", "2");
  registry_->forget_requests();
  auto r = layerpush({"push", "--no-clobber", "oci:" + dir("other"), dest("e2e/app:v1")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("layerpush: tag v1 on " + registry_->host() + "/e2e/app already points at " +
                       digest_ + "; --no-clobber leaves it\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0) << registry_->log_text();
  EXPECT_EQ(registry_manifest_digest("e2e/app:v1"), digest_);
  // Without the flag the same push moves the tag, as before.
  push_json({"oci:" + dir("other"), dest("e2e/app:v1")});
  EXPECT_EQ(registry_manifest_digest("e2e/app:v1"), other["manifest_digest"]);
}

TEST_F(NoClobberTest, ASameDigestOrANewTagIsPushedAsUsual) {
  registry_->forget_requests();
  auto same = layerpush({"push", "--no-clobber", "oci:" + dir("oci"), dest("e2e/app:v1")});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_EQ(same.out, "v1: digest: " + digest_ +
                          " size: " + std::to_string(image_["manifest_size"].get<int>()) + "\n");
  EXPECT_EQ(registry_->count_requests("HEAD", "/v2/e2e/app/manifests/v1"), 1);
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0) << "nothing to change";
  auto fresh = layerpush({"push", "--no-clobber", "-q", "oci:" + dir("oci"), dest("e2e/app:v9")});
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_EQ(fresh.out, digest_ + "\n");
  EXPECT_EQ(registry_->count_requests("PUT", "/v2/e2e/app/manifests/v9"), 1);
  EXPECT_EQ(registry_manifest_digest("e2e/app:v9"), digest_);
}

// Through the fault proxy: registries that leave Docker-Content-Digest out of a manifest HEAD
// (optional in the OCI spec), and ones that keep tags immutable.
class TagThroughProxyTest : public ProxyPushTest {
 protected:
  void SetUp() override {
    ProxyPushTest::SetUp();
    for (const std::string seed : {"1", "2"}) {
      images_.push_back(make_image({"--format", "oci", "--out", dir("oci" + seed), "--layers", "1",
                                    "--layer-size", "64K", "--seed", seed}));
      push_json({"oci:" + dir("oci" + seed), dest("e2e/app:v" + seed)});
    }
  }
  std::vector<nlohmann::json> images_;
};

TEST_F(TagThroughProxyTest, WithoutADigestHeaderTheManifestBytesDecide) {
  start_proxy(nlohmann::json::array(
      {{{"method", "HEAD"}, {"path", "/manifests/"}, {"respond", {{"status", 200}}}}}));
  const std::string first = images_[0]["manifest_digest"];
  const std::string second = images_[1]["manifest_digest"];
  auto refused = layerpush({"tag", via("e2e/app:v1"), "v2"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("tag v2 on " + proxy_->host() + "/e2e/app already points at " +
                             second + "; tag adds, never moves"),
            std::string::npos)
      << refused.err;
  auto unchanged = layerpush({"tag", "--json", via("e2e/app:v1"), "v1"});
  ASSERT_EQ(unchanged.exit_code, 0) << unchanged.err;
  EXPECT_EQ(nlohmann::json::parse(unchanged.out)["action"], "unchanged");
  settle_proxy_log();
  EXPECT_EQ(proxy_actions("respond"), 2);
  EXPECT_EQ(proxy_->count("GET", "/manifests/v2"), 1) << "the HEAD's missing digest, read by GET";
  EXPECT_EQ(proxy_->count("PUT", "/manifests/"), 0);
  EXPECT_EQ(registry_manifest_digest("e2e/app:v2"), second);
  EXPECT_EQ(registry_manifest_digest("e2e/app:v1"), first);
}

TEST_F(TagThroughProxyTest, AnImmutableTagIsReportedAsSuch) {
  const std::string body =
      R"({"errors":[{"code":"DENIED","message":"tag v2 is immutable in this repository"}]})";
  start_proxy(nlohmann::json::array({{{"method", "PUT"},
                                      {"path", "/manifests/v2"},
                                      {"respond", {{"status", 403}, {"body", body}}}}}));
  auto r = layerpush({"tag", "--force", via("e2e/app:v1"), "v2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("tag v2 is immutable on " + proxy_->host()), std::string::npos) << r.err;
  EXPECT_EQ(proxy_->count("PUT", "/manifests/"), 1) << "never retried";
  EXPECT_EQ(registry_manifest_digest("e2e/app:v2"), images_[1]["manifest_digest"]);
}

class TagTokenAuthTest : public TokenPushTest {};

TEST_F(TagTokenAuthTest, TagsWithABearerToken) {
  const auto image = make_image({"--format", "oci", "--out", dir("oci"), "--layers", "1",
                                 "--layer-size", "64K", "--name", "e2e/token:v1"});
  const std::string credentials = std::string(kTokenUser) + ":" + kTokenPassword;
  const std::string config = authfile(credentials);
  push_json({"--authfile", config, "oci:" + dir("oci"), dest("e2e/token:v1")});
  const int tokens_before = tokens_->tokens_issued();
  registry_->forget_requests();
  auto r = layerpush({"tag", "--authfile", config, dest("e2e/token:v1"), "v2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(tokens_->tokens_issued(), tokens_before + 1);
  EXPECT_EQ(r.err.find(kTokenPassword), std::string::npos);
  for (const auto& request : registry_->requests())
    EXPECT_EQ(request.uri.find("/blobs/"), std::string::npos) << request.uri;
  auto inspect = skopeo({"inspect", "--tls-verify=false", "--creds", credentials, "--format",
                         "{{.Digest}}", "docker://" + dest("e2e/token:v2")});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(inspect.out, image["manifest_digest"].get<std::string>() + "\n");
  // Without credentials the registry refuses, and the tag says who refused what.
  std::ofstream(dir("none.json")) << R"({"auths": {}})";
  auto anonymous = layerpush({"tag", "--authfile", dir("none.json"), dest("e2e/token:v1"), "v3"});
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_NE(anonymous.err.find("tagging " + dest("e2e/token:v1") +
                               " as v3 failed: authentication to " + registry_->host() + " failed"),
            std::string::npos)
      << anonymous.err;
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/v3"), 0);
}

}  // namespace
}  // namespace layerpush::testing
