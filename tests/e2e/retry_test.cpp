// Transient failures are retried per request or chunk and interrupted uploads resume from what
// the registry holds, within one run and across a kill; hopeless ones end with exit 1, in
// bounded time. Every push is checked with skopeo against the registry itself.
#include "tests/e2e/proxy_fixture.h"

namespace layerpush::testing {
namespace {

using nlohmann::json;

class RetryTest : public ProxyPushTest {};

TEST_F(RetryTest, WaitsOutA429ForAsLongAsRetryAfterSays) {
  auto image = small_image("e2e/retry:v1");
  start_proxy(json::array({{{"method", "PUT"}, {"path", "/blobs/uploads/"}, {"times", 2},
                            {"respond", {{"status", 429}, {"headers", {{"Retry-After", "1"}}},
                                         {"body", R"({"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]})"}}}}}));
  auto r = push_via("e2e/retry:v1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(proxy_actions("respond"), 2);
  EXPECT_GE(seconds_, 1.0) << "Retry-After: 1 was not waited for";
  EXPECT_GE(summary_of(r.out)["retries"].get<int>(), 2);
  expect_image_intact("e2e/retry:v1", image);
}

TEST_F(RetryTest, RidesOut5xxBurstsOnEveryKindOfRequest) {
  auto image = small_image("e2e/retry:v1");
  json rules = json::array();
  // Two failures in a row for each step of a chunked push, the manifest included.
  for (const auto& [method, path, status] :
       std::vector<std::tuple<std::string, std::string, int>>{{"HEAD", "/blobs/sha256:", 503},
                                                              {"POST", "/blobs/uploads/", 500},
                                                              {"PATCH", "/blobs/uploads/", 502},
                                                              {"PUT", "/blobs/uploads/", 504},
                                                              {"PUT", "/manifests/", 503}})
    rules.push_back({{"method", method}, {"path", path}, {"times", 2}, {"respond", {{"status", status}}}});
  start_proxy(rules);
  auto r = push_via("e2e/retry:v1", {"--chunk-size", "1M", "--jobs", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(proxy_actions("respond"), 10);
  expect_image_intact("e2e/retry:v1", image);
}

TEST_F(RetryTest, AConnectionResetMidBodyStartsTheBlobAgainAndNothingIsCorrupt) {
  auto image = small_image("e2e/retry:v1");
  // The registry sees half a body, then the connection drops: distribution then forgets the
  // session, and the client must start a fresh one rather than resume a dead one.
  start_proxy(json::array({{{"method", "PUT"}, {"path", "/blobs/uploads/"}, {"times", 2},
                            {"reset_after_bytes", 1 << 20}}}));
  auto r = push_via("e2e/retry:v1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(proxy_actions("reset"), 1);  // the config blob is smaller than the cut: it passes
  EXPECT_GE(registry_->count_requests("GET", "/blobs/uploads/"), 1) << "the client never asked where the upload stood";
  expect_image_intact("e2e/retry:v1", image);
}

TEST_F(RetryTest, AFailedChunkResumesFromTheRegistrysRangeWithoutResendingTheRest) {
  auto image = small_image("e2e/retry:v1", 1, "4M");  // 4 MiB + a tar header: 5 chunks of 1 MiB
  start_proxy(json::array({{{"method", "PATCH"}, {"skip", 2}, {"times", 1}, {"respond", {{"status", 503}}}}}));
  auto r = push_via("e2e/retry:v1", {"--chunk-size", "1M"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(proxy_actions("respond"), 1);
  // Every chunk reached the registry exactly once: the two before the failure were not sent again.
  EXPECT_EQ(registry_->count_requests("PATCH", "/blobs/uploads/"), 5 + 1) << registry_->log_text();  // + the config
  EXPECT_EQ(registry_->count_requests("GET", "/blobs/uploads/"), 1);
  expect_image_intact("e2e/retry:v1", image);
}

TEST_F(RetryTest, AKilledPushResumesItsUploadsOnTheNextRun) {
  auto image = small_image("e2e/retry:v1", 1, "6M");  // 7 chunks of 1 MiB
  // The fourth chunk hangs; the first run is killed (SIGKILL) while it waits.
  start_proxy(json::array({{{"method", "PATCH"}, {"skip", 3}, {"times", 1}, {"stall_ms", 60000}}}));
  auto killed = push_via("e2e/retry:v1", {"--chunk-size", "1M", "--jobs", "1"}, /*timeout_s=*/4);
  ASSERT_TRUE(killed.timed_out) << killed.err;
  const int patches_before = registry_->count_requests("PATCH", "/blobs/uploads/");
  ASSERT_GE(patches_before, 3) << registry_->log_text();
  auto r = push_via("e2e/retry:v1", {"--chunk-size", "1M", "--jobs", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The second run asked where the journaled session stood and sent only what was missing.
  EXPECT_GE(registry_->count_requests("GET", "/blobs/uploads/"), 1);
  const int layer_patches = registry_->count_requests("PATCH", "/blobs/uploads/") - patches_before;
  EXPECT_LE(layer_patches, 7 - 3 + 1) << registry_->log_text();  // the rest, and the config
  expect_image_intact("e2e/retry:v1", image);
}

TEST_F(RetryTest, AStalledRequestTimesOutAndIsRetried) {
  auto image = small_image("e2e/retry:v1");
  // The upload's answer does not come for 30 s; after --timeout 1 the client tries again.
  start_proxy(json::array({{{"method", "PUT"}, {"path", "/blobs/uploads/"}, {"times", 1}, {"stall_ms", 30000}}}));
  auto r = push_via("e2e/retry:v1", {"--timeout", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(seconds_, 15);
  EXPECT_GE(summary_of(r.out)["retries"].get<int>(), 1);
  expect_image_intact("e2e/retry:v1", image);
}

TEST_F(RetryTest, GivesUpAfterTheConfiguredRetriesWithExit1AndTheCause) {
  small_image("e2e/retry:v1");
  // Every question about a blob: the HEADs, and the mount POSTs that ask about each lane's first.
  start_proxy(
      json::array({{{"method", "HEAD"}, {"respond", {{"status", 503}}}},
                   {{"method", "POST"}, {"path", "mount="}, {"respond", {{"status", 503}}}}}));
  auto r = push_via("e2e/retry:v1", {"--retries", "2"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(via("e2e/retry:v1")), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("503 Service Unavailable"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("still after 2 retries"), std::string::npos) << r.err;
  EXPECT_LT(seconds_, 10);
  // Each blob was asked once in the pipelined check, then alone 3 times at most; no manifest
  // was written.
  EXPECT_LE(proxy_->count("HEAD", "/blobs/"), 4 + 3 * 4);
  EXPECT_EQ(proxy_->count("PUT", "/manifests/"), 0);
}

TEST_F(RetryTest, ARetryAfterBeyondAMinuteIsNotWaitedFor) {
  small_image("e2e/retry:v1");
  const json too_many = {{"status", 429}, {"headers", {{"Retry-After", "3600"}}}};
  start_proxy(json::array({{{"method", "HEAD"}, {"respond", too_many}},
                           {{"method", "POST"}, {"path", "mount="}, {"respond", too_many}}}));
  auto r = push_via("e2e/retry:v1");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("429 Too Many Requests"), std::string::npos) << r.err;
  EXPECT_LT(seconds_, 10);
}

TEST_F(RetryTest, ARegistryThatIsDownEndsTheRunInBoundedTime) {
  small_image("e2e/retry:v1");
  const std::string host = registry_->host();
  registry_.reset();
  const auto start = std::chrono::steady_clock::now();
  auto r = layerpush({"push", "oci:" + dir("oci"), host + "/e2e/retry:v1"});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("connecting to " + host + " failed: Connection refused, still after 5 retries"),
            std::string::npos) << r.err;
  EXPECT_LT(seconds, 15);
}

}  // namespace
}  // namespace layerpush::testing
