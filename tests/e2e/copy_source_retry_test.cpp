// `layerpush copy` from a source registry whose blob GETs fail part way, through the fault
// proxy in front of the source: 5xx answers are retried with the source's own --src-retries
// (and Retry-After) inside the download, a body cut off mid-way resumes with a Range request
// (or, from a server that answers another range, reads the whole blob again and drops what it
// had), a 401 gets one fresh token, and a source that stays down ends the copy with exit 1
// naming it. The destination never sees an upload started twice; skopeo checks what landed.
#include <chrono>
#include <fstream>

#include "hashing/sha256.h"
#include "tests/e2e/source_fixture.h"
#include "tests/support/token_server.h"

namespace layerpush::testing {
namespace {
using nlohmann::json;

class CopySourceRetryTest : public SourceRegistryTest {
 protected:
  // Makes an OCI image of two 1 MiB layers and pushes it to the source registry itself;
  // returns mkimage's report.
  json two_layer_image(std::vector<std::string> push_flags = {}) {
    return source_image({"--layers", "2", "--layer-size", "1M"}, "e2e/app:v1", push_flags);
  }
  void start_source_proxy(const json& rules) { proxy_ = FaultProxy::start(source_->host(), rules); }

  CommandResult copy_via_proxy(std::vector<std::string> flags = {}) {
    flags.insert(flags.begin(), "copy");
    flags.insert(flags.end(),
                 {"docker://" + proxy_->host() + "/e2e/app:v1", "docker://" + dest("e2e/app:v1")});
    const auto start = std::chrono::steady_clock::now();
    auto result = layerpush(flags, {}, 120);
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    settle_proxy_log();
    return result;
  }

  // The copy landed whole: the manifest bytes the destination serves hash to the source's
  // digest, each blob was committed once from one upload session, and skopeo reads every blob
  // back with its digest checked.
  void expect_copied_once(const json& image) {
    auto raw = skopeo({"inspect", "--tls-verify=false", "--raw", "docker://" + dest("e2e/app:v1")});
    ASSERT_EQ(raw.exit_code, 0) << raw.err;
    EXPECT_EQ(hashing::sha256_of(raw.out).str(), image["manifest_digest"]);
    EXPECT_EQ(registry_->count_requests("POST", "/blobs/uploads/"), 3) << registry_->log_text();
    for (const auto& layer : image["layers"])
      EXPECT_EQ(registry_->count_requests("PUT", "digest=" + layer["digest"].get<std::string>()),
                1);
    expect_image_intact("e2e/app:v1", image);
  }

  // The proxy's logged GETs of blob `digest`, in order.
  std::vector<ProxiedRequest> gets_of(const std::string& digest) const {
    std::vector<ProxiedRequest> gets;
    for (const auto& r : proxy_->requests())
      if (r.method == "GET" && r.target.ends_with("/blobs/" + digest)) gets.push_back(r);
    return gets;
  }

  static json first_layer_rule(const json& image, json rule) {
    rule["method"] = "GET";
    rule["path"] = "/blobs/" + image["layers"][0]["digest"].get<std::string>() + "$";
    return rule;
  }
};

TEST_F(CopySourceRetryTest, Retries503sOfTheSourceBlobGetHonouringRetryAfter) {
  auto image = two_layer_image();
  const json slow = {{"status", 503}, {"headers", {{"Retry-After", "1"}}}};
  start_source_proxy(
      json::array({first_layer_rule(image, {{"times", 1}, {"respond", slow}}),
                   first_layer_rule(image, {{"times", 1}, {"respond", {{"status", 503}}}})}));
  auto r = copy_via_proxy();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(proxy_actions("respond"), 2);
  const auto gets = gets_of(image["layers"][0]["digest"]);
  ASSERT_EQ(gets.size(), 3u) << proxy_->log_text();
  EXPECT_EQ(gets[2].status, 200);
  EXPECT_GE(seconds_, 1.0) << "Retry-After: 1 was not waited for";
  expect_copied_once(image);
}

TEST_F(CopySourceRetryTest, ABodyCutOffMidwayResumesWithARangeRequest) {
  auto image = two_layer_image();
  start_source_proxy(json::array(
      {first_layer_rule(image, {{"times", 1}, {"reset_response_after_bytes", 300000}})}));
  auto r = copy_via_proxy();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto gets = gets_of(image["layers"][0]["digest"]);
  ASSERT_EQ(gets.size(), 2u) << proxy_->log_text();
  EXPECT_EQ(gets[0].action, "reset_response");
  EXPECT_FALSE(gets[0].range.has_value());
  // The second GET asks for the rest, from what arrived before the cut (the proxy sent 300000
  // bytes; the client may have read fewer before the reset), and gets exactly that.
  ASSERT_TRUE(gets[1].range.has_value()) << proxy_->log_text();
  const std::uint64_t from = std::stoull(gets[1].range->substr(6));
  EXPECT_EQ(*gets[1].range, "bytes=" + std::to_string(from) + "-");
  EXPECT_GT(from, 0u);
  EXPECT_LE(from, 300000u);
  EXPECT_EQ(gets[1].status, 206);
  EXPECT_EQ(gets[1].response_bytes, image["layers"][0]["size"].get<std::uint64_t>() - from);
  expect_copied_once(image);
}

TEST_F(CopySourceRetryTest, AServerAnsweringAnotherRangeIsReadWholeAndTheRepeatDropped) {
  auto image = two_layer_image();
  // The cut, then a Range the client did not ask for (the proxy overrides the client's): the
  // registry answers 206 for bytes 0-, which must not be appended; the third GET reads it all.
  start_source_proxy(json::array(
      {first_layer_rule(image, {{"times", 1}, {"reset_response_after_bytes", 300000}}),
       first_layer_rule(
           image, {{"times", 1}, {"set_header", {{"name", "Range"}, {"value", "bytes=0-"}}}})}));
  auto r = copy_via_proxy();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto gets = gets_of(image["layers"][0]["digest"]);
  ASSERT_EQ(gets.size(), 3u) << proxy_->log_text();
  // The client asked for the rest; the registry answered 206 for bytes 0- (the proxy's Range),
  // and the client dropped that body instead of appending it. (Whether the proxy saw the hang-up
  // or had already relayed the whole body depends on socket buffers, so it is not asserted.)
  EXPECT_EQ(gets[1].rule, 1);
  EXPECT_TRUE(gets[1].range.has_value());
  EXPECT_EQ(gets[1].status, 206);
  EXPECT_FALSE(gets[2].range.has_value());  // the whole blob again
  EXPECT_EQ(gets[2].status, 200);
  expect_copied_once(image);
}

TEST_F(CopySourceRetryTest, ASourceThatStaysDownEndsTheCopyAfterTheSourceRetries) {
  auto image = two_layer_image();
  start_source_proxy(
      json::array({first_layer_rule(image, {{"times", 3}, {"respond", {{"status", 503}}}})}));
  // The destination's own retries stay at their default: they must not repeat the source's.
  auto r = copy_via_proxy({"--src-retries", "1"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const std::string digest = image["layers"][0]["digest"];
  EXPECT_NE(r.err.find("reading blob " + digest + " from " + proxy_->host() + "/e2e/app failed: " +
                       proxy_->host() + " answered 503 Service Unavailable, still after 1 retries"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(proxy_actions("respond"), 2);  // one try and one retry
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0);
  EXPECT_LT(seconds_, 30);
}

constexpr const char* kUser = "sue";
constexpr const char* kPassword = "src-token-pw-93d2";

// A source that wants Bearer tokens from the project's token server.
class CopySourceTokenTest : public CopySourceRetryTest {
 protected:
  void SetUp() override {
    tokens_ = std::make_unique<TokenServer>(temp_.path(), kUser, kPassword);
    CopySourceRetryTest::SetUp();
  }
  LocalRegistry::Options source_options() const override {
    return {.token_realm = tokens_->realm(), .token_certificate = tokens_->certificate_file()};
  }
  // A docker config with the credentials for the source, and for the proxy in front of it once
  // it runs.
  std::string authfile() const {
    const auto basic =
        run_command(
            {"sh", "-c", std::string("printf %s ") + kUser + ":" + kPassword + " | base64 -w0"})
            .out;
    json auths = {{source_->host(), {{"auth", basic}}}};
    if (proxy_) auths[proxy_->host()] = {{"auth", basic}};
    const std::string path = dir("config.json");
    std::ofstream(path) << json{{"auths", auths}}.dump();
    return path;
  }
  json unauthorized() const {
    return {{"status", 401},
            {"headers",
             {{"WWW-Authenticate", "Bearer realm=\"" + tokens_->realm() + "\",service=\"" +
                                       TokenServer::kService + "\""}}},
            {"body", R"({"errors":[{"code":"UNAUTHORIZED","message":"token expired"}]})"}};
  }
  std::unique_ptr<TokenServer> tokens_;
};

TEST_F(CopySourceTokenTest, ATokenRefusedDuringTheCopyIsRenewedOnce) {
  auto image = two_layer_image({"--authfile", authfile()});
  start_source_proxy(
      json::array({first_layer_rule(image, {{"times", 1}, {"respond", unauthorized()}})}));
  const int before = tokens_->tokens_issued();
  auto r = copy_via_proxy({"--src-authfile", authfile()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(proxy_actions("respond"), 1);
  // The first token, read with the manifests, and one renewal after the 401.
  EXPECT_EQ(tokens_->tokens_issued() - before, 2);
  const auto gets = gets_of(image["layers"][0]["digest"]);
  ASSERT_EQ(gets.size(), 2u) << proxy_->log_text();
  EXPECT_TRUE(gets[1].authorization);
  EXPECT_EQ(gets[1].status, 200);
  expect_copied_once(image);
}

TEST_F(CopySourceTokenTest, ATokenRefusedAgainAfterRenewalEndsTheCopy) {
  auto image = two_layer_image({"--authfile", authfile()});
  start_source_proxy(
      json::array({first_layer_rule(image, {{"times", 2}, {"respond", unauthorized()}})}));
  const int before = tokens_->tokens_issued();
  auto r = copy_via_proxy({"--src-authfile", authfile()});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("reading blob " + image["layers"][0]["digest"].get<std::string>() +
                       " from " + proxy_->host() + "/e2e/app failed: " + proxy_->host() +
                       " answered 401 Unauthorized"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find(kPassword), std::string::npos);
  EXPECT_EQ(proxy_actions("respond"), 2);  // renewed once, not for ever
  EXPECT_EQ(tokens_->tokens_issued() - before, 2);
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0);
}

}  // namespace
}  // namespace layerpush::testing
