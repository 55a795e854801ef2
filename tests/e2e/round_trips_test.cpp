// Round trips are what a push across a real network waits for. What the registry holds is asked
// in one pipelined batch before any upload starts: HEADs sent back to back on the connections
// the push uses anyway, behind the GET /v2/ when no login is configured, each answered once;
// and each lane's next upload session is opened by a POST sent behind its current PUT. The fault
// proxy is the witness: it logs which connection each request came on and whether the client sent
// it before it had the answer to the one ahead of it.
#include <set>

#include "tests/e2e/proxy_fixture.h"

namespace layerpush::testing {
namespace {

using nlohmann::json;

class RoundTripsTest : public ProxyPushTest {
 protected:
  // Every HEAD and blob PUT stalls a moment at the proxy, so a client that pipelines has long
  // finished writing what goes behind it before the answer goes out, however busy the machine.
  void start_slow_proxy(json extra_rules = json::array()) {
    json rules = std::move(extra_rules);
    rules.push_back({{"method", "HEAD"}, {"stall_ms", 200}});
    rules.push_back({{"method", "PUT"}, {"path", "/blobs/uploads/"}, {"stall_ms", 100}});
    start_proxy(rules);
  }

  // A proxy rule: the first `method` request whose path holds `path` is answered 503.
  static json refuse_once(const std::string& method, const std::string& path) {
    return json::array(
        {{{"method", method}, {"path", path}, {"times", 1}, {"respond", {{"status", 503}}}}});
  }
};

TEST_F(RoundTripsTest, EveryHeadGoesOutInOneBatchBeforeAnyUpload) {
  auto image = small_image("e2e/rt:v1", 12, "64K");
  start_slow_proxy();
  auto r = push_via("e2e/rt:v1", {"--jobs", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int heads = 0;
  int first_look = 0;  // GET /v2/ and the HEADs
  int pipelined = 0;
  std::set<int> connections;
  bool uploading = false;
  for (const auto& p : proxy_->requests()) {
    uploading = uploading || p.method == "POST";
    if (p.method != "HEAD" && p.target != "/v2/") continue;
    EXPECT_FALSE(uploading) << "asked after the uploads began: " << p.method << " " << p.target;
    heads += p.method == "HEAD";
    ++first_look;
    pipelined += p.pipelined;
    connections.insert(p.connection);
  }
  EXPECT_EQ(heads, 1 + 13) << "the manifest and 13 blobs, each asked once\n" << proxy_->log_text();
  EXPECT_LE(connections.size(), 3u) << "no more connections than --jobs";
  // On each connection only the first request went out with nothing outstanding.
  EXPECT_EQ(pipelined, first_look - static_cast<int>(connections.size())) << proxy_->log_text();
  // Each lane's first session is opened on its own; every later one by a POST sent right
  // behind the lane's previous PUT, which the registry handles once that PUT is done: never
  // more sessions open than lanes.
  int posts = 0;
  int posts_pipelined = 0;
  std::set<int> lanes;
  for (const auto& p : proxy_->requests()) {
    if (p.method != "POST") continue;
    ++posts;
    posts_pipelined += p.pipelined;
    lanes.insert(p.connection);
  }
  EXPECT_EQ(posts, 13);
  EXPECT_EQ(posts_pipelined, posts - static_cast<int>(lanes.size())) << proxy_->log_text();
  EXPECT_LE(registry_->max_open_uploads(), 3) << registry_->log_text();
  expect_image_intact("e2e/rt:v1", image);
}

TEST_F(RoundTripsTest, ABlobTheBatchGotNoPlainAnswerForIsAskedAgainAlone) {
  auto image = small_image("e2e/rt:v1", 4, "64K");
  start_slow_proxy(refuse_once("HEAD", "/blobs/sha256:"));
  auto r = push_via("e2e/rt:v1", {"--jobs", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(proxy_actions("respond"), 1);
  EXPECT_EQ(proxy_->count("HEAD", "/blobs/sha256:"), 5 + 1) << proxy_->log_text();
  EXPECT_EQ(summary_of(r.out)["retries"], 0) << "asking again is not a retry";
  expect_image_intact("e2e/rt:v1", image);
}

TEST_F(RoundTripsTest, ASessionOpenedBehindAFailedPutIsClosedWhileTheBlobIsRetried) {
  auto image = small_image("e2e/rt:v1", 4, "64K");
  start_slow_proxy(refuse_once("PUT", "/blobs/uploads/"));
  auto r = push_via("e2e/rt:v1", {"--jobs", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(summary_of(r.out)["retries"], 1);
  // The POST behind the refused PUT opened a session while the refused blob's own was still
  // open: one more than --jobs, for the moment until the lane deletes it (no byte went into
  // it). The next blob then opens its own.
  EXPECT_EQ(registry_->count_requests("DELETE", "/blobs/uploads/"), 1) << registry_->log_text();
  EXPECT_EQ(registry_->max_open_uploads(), 2) << registry_->log_text();
  expect_image_intact("e2e/rt:v1", image);
}

TEST_F(RoundTripsTest, ARePushOfAnArchiveIsAnsweredByTheBatchWithDigestsFromTheCache) {
  const std::string archive = dir("app.tar");
  make_image({"--format", "docker-archive", "--out", archive, "--layers", "3", "--layer-size",
              "256K", "--content", "text", "--name", "e2e/rt:v1"});
  start_slow_proxy();
  auto first = layerpush({"push", "--json", "docker-archive:" + archive, via("e2e/rt:v1")});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  settle_proxy_log();
  const auto before = proxy_->requests().size();
  auto again = layerpush({"push", "--json", "docker-archive:" + archive, via("e2e/rt:v1")});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  settle_proxy_log();
  const auto summary = summary_of(again.out);
  for (const auto& blob : summary["blobs"]) {
    EXPECT_EQ(blob["action"], "exists");
    if (blob["role"] != "config") {
      EXPECT_TRUE(blob["digest_cached"].get<bool>()) << blob;
    }
  }
  // GET /v2/, the manifest's HEAD and 4 blobs', all in one round trip.
  const auto all = proxy_->requests();
  std::vector<ProxiedRequest> repush(all.begin() + static_cast<std::ptrdiff_t>(before), all.end());
  ASSERT_EQ(repush.size(), 1u + 1 + 4) << proxy_->log_text();
  std::set<int> connections;
  int pipelined = 0;
  for (const auto& p : repush) {
    EXPECT_TRUE(p.method == "HEAD" || p.target == "/v2/") << p.method << " " << p.target;
    connections.insert(p.connection);
    pipelined += p.pipelined;
  }
  EXPECT_EQ(pipelined, static_cast<int>(repush.size() - connections.size())) << proxy_->log_text();
  EXPECT_EQ(proxy_->count("PUT", "/manifests/"), 1) << "only the first push put it";
}

}  // namespace
}  // namespace layerpush::testing
