// End-to-end tests with two real registries: a source (A), filled by the test with layerpush
// push, and the destination (B, PushTest's registry_), optionally behind the fault proxy.
// Used by the copy and sync tests.
#pragma once

#include "hashing/sha256.h"
#include "tests/e2e/proxy_fixture.h"

namespace layerpush::testing {

class SourceRegistryTest : public ProxyPushTest {
 protected:
  void SetUp() override {
    ProxyPushTest::SetUp();
    source_ = LocalRegistry::start(source_options());
  }
  virtual LocalRegistry::Options source_options() const { return {}; }

  std::string src(const std::string& repo_and_tag) const {
    return source_->host() + "/" + repo_and_tag;
  }

  // Makes an OCI image and pushes it to the source registry; returns mkimage's report.
  nlohmann::json source_image(std::vector<std::string> mkimage_args,
                              const std::string& repo_and_tag,
                              std::vector<std::string> push_flags = {}) {
    mkimage_args.insert(mkimage_args.end(), {"--format", "oci", "--out", dir("oci")});
    auto image = make_image(mkimage_args);
    push_flags.insert(push_flags.begin(), "push");
    push_flags.push_back("oci:" + dir("oci"));
    push_flags.push_back(src(repo_and_tag));
    auto r = layerpush(push_flags);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return image;
  }

  // The SHA-256 of the manifest bytes registry B serves, as skopeo reads them.
  std::string raw_digest(const std::string& repo_and_tag) const {
    auto r = skopeo({"inspect", "--tls-verify=false", "--raw", "docker://" + dest(repo_and_tag)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return hashing::sha256_of(r.out).str();
  }

  // Registry B's blob PUTs that committed `digest`.
  int commits_of(const std::string& digest) const {
    return registry_->count_requests("PUT", "digest=" + digest);
  }

  // Registry B's cross-repository mounts that succeeded (201).
  int mounts_seen() const {
    int mounted = 0;
    for (const auto& request : registry_->requests())
      mounted += request.method == "POST" && request.uri.find("mount=") != std::string::npos &&
                 request.status == 201;
    return mounted;
  }

  std::unique_ptr<LocalRegistry> source_;
};

}  // namespace layerpush::testing
