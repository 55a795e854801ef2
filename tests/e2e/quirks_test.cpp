// Registries bend the protocol; each bend layerpush knows is emulated by the fault proxy and
// pushed through, then checked with skopeo: PATCH answered 201 (ECR), final PUT answered 200 or
// 204, HEAD answered 403 for a missing blob (Artifactory), a minimum chunk size
// (OCI-Chunk-Min-Length, ECR), a maximum body (413 from proxies, 416 from GHCR), redirected
// uploads, and immutable tags.
#include "tests/e2e/proxy_fixture.h"

namespace layerpush::testing {
namespace {

using nlohmann::json;

class QuirksTest : public ProxyPushTest {
 protected:
  std::vector<ProxiedRequest> with_method(const std::string& method) const {
    std::vector<ProxiedRequest> out;
    for (auto& r : proxy_->requests())
      if (r.method == method) out.push_back(r);
    return out;
  }
};

TEST_F(QuirksTest, PatchAnswered201InsteadOf202) {
  auto image = small_image("e2e/quirk:v1");
  start_proxy(json::array({{{"method", "PATCH"}, {"rewrite_status", {{"from", 202}, {"to", 201}}}}}));
  auto r = push_via("e2e/quirk:v1", {"--chunk-size", "1M"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto patches = with_method("PATCH");
  ASSERT_GE(patches.size(), 6u);
  for (const auto& p : patches) EXPECT_EQ(p.status, 201);
  expect_image_intact("e2e/quirk:v1", image);
}

class FinalPutStatusTest : public QuirksTest, public ::testing::WithParamInterface<int> {};

TEST_P(FinalPutStatusTest, IsAcceptedAsSuccess) {
  auto image = small_image("e2e/quirk:v1");
  start_proxy(json::array({{{"method", "PUT"}, {"path", "/blobs/uploads/"},
                            {"rewrite_status", {{"from", 201}, {"to", GetParam()}}}}}));
  auto r = push_via("e2e/quirk:v1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(proxy_->count("PUT", "/blobs/uploads/"), 4);
  expect_image_intact("e2e/quirk:v1", image);
}

INSTANTIATE_TEST_SUITE_P(Statuses, FinalPutStatusTest, ::testing::Values(200, 204));

TEST_F(QuirksTest, Head403MeansTheBlobIsMissing) {
  auto image = small_image("e2e/quirk:v1");
  start_proxy(json::array({{{"method", "HEAD"}, {"rewrite_status", {{"from", 404}, {"to", 403}}}}}));
  auto r = push_via("e2e/quirk:v1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(registry_->count_requests("PUT", "/blobs/uploads/"), 4);
  expect_image_intact("e2e/quirk:v1", image);
}

TEST_F(QuirksTest, ChunksAreNeverBelowTheRegistrysMinimum) {
  auto image = small_image("e2e/quirk:v1", 1, "12M");
  // The registry says OCI-Chunk-Min-Length: 5 MiB and refuses a PATCH after a shorter one.
  start_proxy(json::array({{{"min_chunk", {{"bytes", 5 << 20}}}}}));
  auto r = push_via("e2e/quirk:v1", {"--chunk-size", "1M"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& p : with_method("PATCH")) EXPECT_NE(p.status, 416) << p.target;
  EXPECT_EQ(registry_->count_requests("PATCH", "/blobs/uploads/"), 3 + 1);  // 5+5+2 MiB, config
  expect_image_intact("e2e/quirk:v1", image);
}

class BodyLimitTest : public QuirksTest, public ::testing::WithParamInterface<int> {};

TEST_P(BodyLimitTest, ARefusedLargeBodyIsSentAgainInSmallerRequests) {
  auto image = small_image("e2e/quirk:v1", 1, "10M");
  start_proxy(json::array({{{"max_body", {{"bytes", 4 << 20}, {"status", GetParam()}}}}}));
  // 413 typically meets a whole-blob PUT (a proxy's limit), 416 a large PATCH (GHCR).
  auto r = push_via("e2e/quirk:v1", GetParam() == 416 ? std::vector<std::string>{"--chunk-size", "8M"}
                                                      : std::vector<std::string>{});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int refused = 0;
  for (const auto& p : proxy_->requests()) {
    if (p.status == GetParam()) {
      ++refused;
    } else if (p.content_length) {
      EXPECT_LE(*p.content_length, 4u << 20) << p.method << " " << p.target;
    }
  }
  EXPECT_EQ(refused, 1);
  expect_image_intact("e2e/quirk:v1", image);
}

INSTANTIATE_TEST_SUITE_P(Statuses, BodyLimitTest, ::testing::Values(413, 416));

TEST_F(QuirksTest, MaxRequestSizeCapsEveryBody) {
  auto image = small_image("e2e/quirk:v1", 2, "5M");
  start_proxy(json::array());
  auto r = push_via("e2e/quirk:v1", {"--max-request-size", "2M"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& p : proxy_->requests()) {
    if (p.content_length) { EXPECT_LE(*p.content_length, 2u << 20) << p.method << " " << p.target; }
  }
  EXPECT_EQ(proxy_->count("PATCH", "/blobs/uploads/"), 2 * 3);  // 2+2+1 MiB per layer
  EXPECT_EQ(proxy_->count("PUT", "/blobs/uploads/"), 3);        // the config goes whole
  expect_image_intact("e2e/quirk:v1", image);
}

class RedirectTest : public QuirksTest, public ::testing::WithParamInterface<int> {};

TEST_P(RedirectTest, UploadsAndReadsFollowTheRedirectToAnotherPort) {
  auto image = small_image("e2e/quirk:v1");
  const json redirect = {{"status", GetParam()}, {"to_listener", 1}};
  start_proxy(json::array({{{"method", "PUT"}, {"path", "/blobs/uploads/"}, {"listener", 0}, {"redirect", redirect}},
                           {{"method", "HEAD"}, {"listener", 0}, {"redirect", redirect}}}),
              {.second_listener = true});
  // One lane: its first blob is asked with a mount POST, the other three with HEADs.
  auto r = push_via("e2e/quirk:v1", {"--jobs", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int redirected_puts = 0;
  int redirected_heads = 0;
  for (const auto& p : proxy_->requests()) {
    if (p.listener != 1) continue;
    redirected_puts += p.method == "PUT";
    redirected_heads += p.method == "HEAD";
  }
  EXPECT_EQ(redirected_puts, 4);
  EXPECT_EQ(redirected_heads, 4);  // 3 blobs' and the manifest's (is the tag this image already?)
  expect_image_intact("e2e/quirk:v1", image);
}

INSTANTIATE_TEST_SUITE_P(Statuses, RedirectTest, ::testing::Values(307, 308));

// A registry that wants a login redirects uploads to storage on another port, which authorizes
// by its URL (the proxy's second listener adds the credentials, as a presigned URL would): the
// client's Authorization must not follow the redirect, and the push still succeeds.
class RedirectWithLoginTest : public QuirksTest {
 protected:
  LocalRegistry::Options registry_options() const override {
    LocalRegistry::Options options;
    options.basic_user = "rita";
    options.basic_password = "redirect-pw-90d2";
    return options;
  }
};

TEST_F(RedirectWithLoginTest, AuthorizationStaysWithTheRegistrysOwnOrigin) {
  auto image = small_image("e2e/quirk:v1");
  const auto basic = run_command({"sh", "-c", "printf %s rita:redirect-pw-90d2 | base64 -w0"}).out;
  start_proxy(json::array({{{"method", "PUT"}, {"path", "/blobs/uploads/"}, {"listener", 0},
                            {"redirect", {{"status", 307}, {"to_listener", 1}}}},
                           {{"listener", 1}, {"set_header", {{"name", "Authorization"}, {"value", "Basic " + basic}}}}}),
              {.second_listener = true});
  const std::string config = dir("config.json");
  std::ofstream(config) << json{{"auths", {{proxy_->host(), {{"auth", basic}}}}}}.dump();
  auto r = push_via("e2e/quirk:v1", {"--authfile", config});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int on_storage = 0;
  for (const auto& p : proxy_->requests()) {
    if (p.listener == 0 && p.target != "/v2/") { EXPECT_TRUE(p.authorization) << p.method << " " << p.target; }
    if (p.listener != 1) continue;
    ++on_storage;
    EXPECT_FALSE(p.authorization) << "credentials followed a redirect to " << p.target;
  }
  EXPECT_EQ(on_storage, 4);
  auto inspect = skopeo({"inspect", "--tls-verify=false", "--creds", "rita:redirect-pw-90d2", "--format",
                         "{{.Digest}}", "docker://" + dest("e2e/quirk:v1")});
  EXPECT_EQ(inspect.out, image["manifest_digest"].get<std::string>() + "\n") << inspect.err;
}

struct Immutability {
  int status;
  const char* code;
};

class ImmutableTagTest : public QuirksTest, public ::testing::WithParamInterface<Immutability> {};

TEST_P(ImmutableTagTest, IsReportedClearlyAndNeverRetried) {
  small_image("e2e/quirk:v1");
  const auto [status, code] = GetParam();
  const std::string body = std::string(R"({"errors":[{"code":")") + code +
                           R"(","message":"The image tag 'v1' already exists and cannot be overwritten because the repository is immutable."}]})";
  start_proxy(json::array({{{"method", "PUT"}, {"path", "/manifests/v1"},
                            {"respond", {{"status", status}, {"body", body}}}}}));
  auto r = push_via("e2e/quirk:v1");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("tag v1 is immutable on " + proxy_->host()), std::string::npos) << r.err;
  EXPECT_EQ(proxy_->count("PUT", "/manifests/"), 1);
}

INSTANTIATE_TEST_SUITE_P(Registries, ImmutableTagTest,
                         ::testing::Values(Immutability{400, "TAG_INVALID"},
                                           Immutability{403, "DENIED"},
                                           Immutability{412, "DENIED"}),
                         [](const auto& info) { return std::to_string(info.param.status); });

}  // namespace
}  // namespace layerpush::testing
