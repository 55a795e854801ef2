// Bearer tokens over a whole push: one token shared by every concurrent upload, renewed before it
// expires and once when the registry refuses it part way, identity (refresh) tokens exchanged
// with the OAuth2 POST form or, where a server refuses that, with GET; an expired token ends
// the run with exit 1. The registry is the real one with token auth behind the fault proxy.
#include <fstream>

#include "tests/e2e/proxy_fixture.h"
#include "tests/e2e/token_fixture.h"

namespace layerpush::testing {
namespace {

using nlohmann::json;
constexpr const char* kUser = "tina";
constexpr const char* kPassword = "renew-pw-5e1f";

class TokenRenewalTest : public WithTokenServer<ProxyPushTest> {
 protected:
  TokenRenewalTest() : WithTokenServer(kUser, kPassword) {}
  // A docker config for the proxy's host with `entry` (e.g. {"auth": ...} or {"identitytoken": ...}).
  std::string config_with(const json& entry) {
    const std::string path = dir("config.json");
    std::ofstream(path) << json{{"auths", {{proxy_->host(), entry}}}}.dump();
    return path;
  }
  std::string password_config() {
    const auto b64 = run_command({"sh", "-c", std::string("printf %s '") + kUser + ":" + kPassword + "' | base64 -w0"});
    return config_with({{"auth", b64.out}});
  }
  // skopeo copies the image back from the registry itself, checking every blob's digest.
  void expect_intact(const std::string& repo_and_tag, const json& image) {
    auto r = skopeo({"copy", "--preserve-digests", "--src-tls-verify=false", "--src-creds",
                     std::string(kUser) + ":" + kPassword, "docker://" + dest(repo_and_tag),
                     "oci:" + dir("back") + ":back"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const auto& layer : image["layers"])
      EXPECT_TRUE(std::filesystem::exists(dir("back") + "/blobs/sha256/" +
                                          layer["digest"].get<std::string>().substr(7)));
    std::ifstream index(dir("back") + "/index.json");
    EXPECT_EQ(json::parse(index)["manifests"][0]["digest"], image["manifest_digest"]);
  }
  CommandResult push_with(const std::string& config, std::vector<std::string> flags = {}) {
    flags.insert(flags.begin(), {"--authfile", config});
    return push_via("e2e/renew:v1", flags);
  }
  std::string challenge() const {
    return "Bearer realm=\"" + tokens_->realm() + "\",service=\"" + TokenServer::kService + "\"";
  }
};

TEST_F(TokenRenewalTest, ConcurrentUploadsShareOneToken) {
  auto image = small_image("e2e/renew:v1", 8, "512K");
  start_proxy(json::array());
  auto r = push_with(password_config(), {"--jobs", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(tokens_->tokens_issued(), 1);
  expect_intact("e2e/renew:v1", image);
}

TEST_F(TokenRenewalTest, ATokenRefusedPartWayIsRenewedOnceAndTheRequestRepeated) {
  auto image = small_image("e2e/renew:v1");
  // Once for a request the client can send again itself (the manifest's PUT), once for an
  // upload body (a blob's PUT). (A question of the pipelined batch refused is only asked again
  // alone: the batch is an optimisation. Nor is a POST, which here always goes pipelined behind
  // a PUT or in that batch.)
  const json unauthorized = {{"status", 401}, {"headers", {{"WWW-Authenticate", challenge()}}},
                             {"body", R"({"errors":[{"code":"UNAUTHORIZED","message":"token expired"}]})"}};
  start_proxy(json::array(
      {{{"method", "PUT"}, {"path", "/manifests/"}, {"times", 1}, {"respond", unauthorized}},
       {{"method", "PUT"}, {"path", "/blobs/uploads/"}, {"times", 1}, {"respond", unauthorized}}}));
  auto r = push_with(password_config(), {"--jobs", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(proxy_actions("respond"), 2);
  EXPECT_EQ(tokens_->tokens_issued(), 3) << proxy_->log_text();  // the first, and one per refusal
  expect_intact("e2e/renew:v1", image);
}

TEST_F(TokenRenewalTest, AShortLivedTokenIsRenewedBeforeItExpires) {
  auto image = small_image("e2e/renew:v1", 4, "512K");
  TokenServer::Policy policy;
  policy.expires_in = 2;  // renewed after 1.5 s
  tokens_->set_policy(policy);
  // Each upload takes a second: the push outlives several tokens.
  start_proxy(json::array({{{"method", "PUT"}, {"path", "/blobs/uploads/"}, {"stall_ms", 1000}}}));
  auto r = push_with(password_config(), {"--jobs", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(seconds_, 5.0);
  EXPECT_GE(tokens_->tokens_issued(), 2);
  EXPECT_LE(tokens_->tokens_issued(), 5) << "a token per request is too many";
  // Renewed ahead of time: the registry never had to refuse one.
  EXPECT_EQ(registry_->count_requests("PUT", "/blobs/uploads/"), 5);
  for (const auto& req : proxy_->requests()) {
    if (req.target != "/v2/") { EXPECT_NE(req.status, 401) << req.method << " " << req.target; }
  }
  expect_intact("e2e/renew:v1", image);
}

TEST_F(TokenRenewalTest, AnIdentityTokenIsExchangedWithThePostForm) {
  auto image = small_image("e2e/renew:v1");
  TokenServer::Policy policy;
  policy.identity_token = "idt-4a8c-refresh";
  tokens_->set_policy(policy);
  start_proxy(json::array());
  auto r = push_with(config_with({{"identitytoken", "idt-4a8c-refresh"}}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(tokens_->refresh_forms_received(), 1);
  EXPECT_EQ(tokens_->tokens_issued(), 1);
  EXPECT_EQ(r.err.find("idt-4a8c-refresh"), std::string::npos);
  expect_intact("e2e/renew:v1", image);
}

TEST_F(TokenRenewalTest, AServerRefusingThePostFormGetsTheGet) {
  auto image = small_image("e2e/renew:v1");
  TokenServer::Policy policy;
  policy.identity_token = "idt-77b1-refresh";
  policy.refuse_refresh_form = true;
  tokens_->set_policy(policy);
  start_proxy(json::array());
  auto r = push_with(config_with({{"identitytoken", "idt-77b1-refresh"}}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(tokens_->refresh_forms_received(), 1);
  EXPECT_EQ(tokens_->tokens_issued(), 1);  // by the GET
  expect_intact("e2e/renew:v1", image);
}

TEST_F(TokenRenewalTest, ARegistryTokenFromTheConfigIsSentAsItIs) {
  auto image = small_image("e2e/renew:v1");
  start_proxy(json::array());
  // A token obtained beforehand (as `docker login` with a registry token leaves it).
  auto fetched = run_command({"curl", "-fsS", "-u", std::string(kUser) + ":" + kPassword,
                              tokens_->realm() + "?service=" + TokenServer::kService +
                                  "&scope=repository:e2e/renew:pull,push"});
  ASSERT_EQ(fetched.exit_code, 0) << fetched.err;
  const std::string token = json::parse(fetched.out)["token"];
  auto r = push_with(config_with({{"registrytoken", token}}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(tokens_->tokens_issued(), 1);  // only curl's: layerpush asked for none
  EXPECT_EQ(r.err.find(token), std::string::npos);
  expect_intact("e2e/renew:v1", image);
}

TEST_F(TokenRenewalTest, AnExpiredTokenEndsWithExit1InBoundedTime) {
  small_image("e2e/renew:v1");
  TokenServer::Policy policy;
  policy.expired = true;
  tokens_->set_policy(policy);
  start_proxy(json::array());
  auto r = push_with(password_config());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("authentication to " + proxy_->host() + " failed: the registry refused the token issued for user tina"),
            std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_LT(seconds_, 10);
  EXPECT_EQ(registry_->count_requests("POST", "/blobs/uploads/"), 0);
}

}  // namespace
}  // namespace layerpush::testing
