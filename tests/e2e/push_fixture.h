// Shared set-up for end-to-end push tests: a fresh real registry per test, a temporary folder,
// the built layerpush and the generator, and skopeo as the independent client that checks what
// was pushed.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/mkimage.h"
#include "tests/support/process.h"
#include "tests/support/registry.h"

namespace layerpush::testing {

class PushTest : public ::testing::Test {
 protected:
  void SetUp() override { registry_ = LocalRegistry::start(registry_options()); }
  virtual LocalRegistry::Options registry_options() const { return {}; }

  std::string dir(const std::string& name) const { return (temp_.path() / name).string(); }
  std::string dest(const std::string& repo_and_tag) const {
    return registry_->host() + "/" + repo_and_tag;
  }

  // Generates an image with layerpush-mkimage; returns its JSON report.
  nlohmann::json make_image(const std::vector<std::string>& args) const {
    return nlohmann::json::parse(run_mkimage(args));
  }

  // Runs layerpush with its upload journal and digest cache in this test's folder (not the
  // user's), unless `env` names another XDG_STATE_HOME or XDG_CACHE_HOME.
  CommandResult layerpush(std::vector<std::string> args, std::vector<std::string> env = {},
                          int timeout_s = 300) const {
    args.insert(args.begin(), built_program("layerpush").string());
    env.insert(env.begin(), "XDG_STATE_HOME=" + dir("state"));
    env.insert(env.begin(), "XDG_CACHE_HOME=" + dir("cache"));
    return run_command(args, std::nullopt, env, timeout_s);
  }

  // Pushes with --json and returns the parsed summary; fails the test if the push fails.
  nlohmann::json push_json(std::vector<std::string> args,
                           const std::vector<std::string>& env = {}) const {
    args.insert(args.begin(), "--json");
    args.insert(args.begin(), "push");
    auto result = layerpush(args, env);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return summary_of(result.out);
  }

  // The summary of a --json push or copy: its last line, after one line per blob.
  static nlohmann::json summary_of(const std::string& out) {
    std::istringstream lines(out);
    nlohmann::json last;
    for (std::string line; std::getline(lines, line);)
      if (!line.empty()) last = nlohmann::json::parse(line);
    EXPECT_EQ(last.value("type", ""), "summary") << out;
    return last;
  }

  CommandResult skopeo(std::vector<std::string> args) const {
    args.insert(args.begin(), "skopeo");
    return run_command(args);
  }

  // The digest skopeo computes over the manifest bytes the registry serves for `ref`.
  std::string registry_manifest_digest(const std::string& repo_and_tag) const {
    auto r = skopeo({"inspect", "--tls-verify=false", "--format", "{{.Digest}}",
                     "docker://" + dest(repo_and_tag)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto out = r.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }

  // Copies the pushed image back with skopeo (which checks every blob's digest as it reads it)
  // into an OCI layout, and returns the digests of the blobs it holds.
  std::set<std::string> copy_back(const std::string& repo_and_tag) const {
    const std::string out = dir("copied-back-" + std::to_string(copies_++));
    auto r = skopeo({"copy", "--preserve-digests", "--src-tls-verify=false",
                     "docker://" + dest(repo_and_tag),
                     "oci:" + out + ":back"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::set<std::string> digests;
    for (const auto& entry : std::filesystem::directory_iterator(out + "/blobs/sha256"))
      digests.insert("sha256:" + entry.path().filename().string());
    return digests;
  }

  // Requests that opened an upload session (a POST answered 202) or carried a blob's bytes. A
  // POST answered otherwise did neither: 201 mounted a blob (a push asks for each lane's first
  // blob with a mount from its own repository, which says the blob is in), 401 was refused.
  int blob_uploads_seen() const {
    return count_answered("POST", "/blobs/uploads/", 202) +
           registry_->count_requests("PATCH", "/blobs/uploads/") +
           registry_->count_requests("PUT", "/blobs/uploads/");
  }
  // Requests whose method equals `method`, whose URI holds `uri_part`, answered `status`.
  int count_answered(std::string_view method, std::string_view uri_part, int status) const {
    int n = 0;
    for (const auto& r : registry_->requests())
      n += r.method == method && r.uri.find(uri_part) != std::string::npos && r.status == status;
    return n;
  }

  TempDir temp_{"layerpush-e2e"};
  std::unique_ptr<LocalRegistry> registry_;
  mutable int copies_ = 0;
};

}  // namespace layerpush::testing
