// Round trips are what a push across a real network waits for. What the registry holds is asked
// in one pipelined batch before any upload starts, on the connections the push uses anyway,
// behind the GET /v2/ when no login is configured, each blob once: with a HEAD, or for each
// lane's first blob with a POST that mounts it from the repository itself (201: it is there;
// 202: it is not, and its upload session is open). Each lane's next session is opened by a POST
// sent behind its current PUT. The fault proxy is the witness: it logs which connection each
// request came on and whether the client sent it before it had the answer to the one ahead of it.
#include <set>

#include "tests/e2e/proxy_fixture.h"

namespace layerpush::testing {
namespace {

using nlohmann::json;

class RoundTripsTest : public ProxyPushTest {
 protected:
  // Every question (HEAD, mount POST) and blob PUT stalls a moment at the proxy, so a client
  // that pipelines has long finished writing what goes behind it before the answer goes out,
  // however busy the machine.
  void start_slow_proxy(json extra_rules = json::array()) {
    json rules = std::move(extra_rules);
    rules.push_back({{"method", "HEAD"}, {"stall_ms", 200}});
    rules.push_back({{"method", "POST"}, {"path", "mount="}, {"stall_ms", 200}});
    rules.push_back({{"method", "PUT"}, {"path", "/blobs/uploads/"}, {"stall_ms", 100}});
    start_proxy(rules);
  }

  // A proxy rule: the first `method` request whose path holds `path` is answered 503.
  static json refuse_once(const std::string& method, const std::string& path) {
    return json::array(
        {{{"method", method}, {"path", path}, {"times", 1}, {"respond", {{"status", 503}}}}});
  }
};

TEST_F(RoundTripsTest, EveryQuestionGoesOutInOneBatchBeforeAnyUpload) {
  auto image = small_image("e2e/rt:v1", 12, "64K");
  start_slow_proxy();
  auto r = push_via("e2e/rt:v1", {"--jobs", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int heads = 0;
  int mounts = 0;      // POSTs asking about a lane's first blob
  int first_look = 0;  // everything sent before the first PUT
  int pipelined = 0;
  std::set<int> connections;
  bool uploading = false;
  for (const auto& p : proxy_->requests()) {
    uploading = uploading || p.method == "PUT";
    const bool mount = p.method == "POST" && p.target.find("?mount=") != std::string::npos;
    if (p.method != "HEAD" && p.target != "/v2/" && !mount) continue;
    EXPECT_FALSE(uploading) << "asked after the uploads began: " << p.method << " " << p.target;
    heads += p.method == "HEAD";
    mounts += mount;
    if (mount) {
      EXPECT_EQ(p.status, 202) << "a new blob: the registry opened its session instead";
      EXPECT_NE(p.target.find("&from=e2e/rt"), std::string::npos) << p.target;
    }
    ++first_look;
    pipelined += p.pipelined;
    connections.insert(p.connection);
  }
  EXPECT_EQ(mounts, 3) << "one per lane\n" << proxy_->log_text();
  EXPECT_EQ(heads, 1 + 10) << "the manifest and the other 10 blobs, each asked once\n"
                           << proxy_->log_text();
  EXPECT_LE(connections.size(), 3u) << "no more connections than --jobs";
  // On each connection only the first request went out with nothing outstanding.
  EXPECT_EQ(pipelined, first_look - static_cast<int>(connections.size())) << proxy_->log_text();
  // Each lane's first session came with the first look; every later one from a POST sent right
  // behind the lane's previous PUT, which the registry handles once that PUT is done: never
  // more sessions open than lanes, and no upload waits a round trip for its session.
  int posts = 0;
  int posts_pipelined = 0;
  for (const auto& p : proxy_->requests()) {
    if (p.method != "POST" || p.target.find("?mount=") != std::string::npos) continue;
    ++posts;
    posts_pipelined += p.pipelined;
  }
  EXPECT_EQ(posts, 10);
  EXPECT_EQ(posts_pipelined, posts) << proxy_->log_text();
  EXPECT_LE(registry_->max_open_uploads(), 3) << registry_->log_text();
  expect_image_intact("e2e/rt:v1", image);
}

TEST_F(RoundTripsTest, ABlobTheBatchGotNoPlainAnswerForIsAskedAgainAlone) {
  auto image = small_image("e2e/rt:v1", 4, "64K");
  start_slow_proxy(refuse_once("HEAD", "/blobs/sha256:"));
  auto r = push_via("e2e/rt:v1", {"--jobs", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(proxy_actions("respond"), 1);
  // The lane's first blob was asked with a POST; the other four with HEADs, one of them twice.
  EXPECT_EQ(proxy_->count("HEAD", "/blobs/sha256:"), 4 + 1) << proxy_->log_text();
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
  // GET /v2/, the manifest's HEAD and a question per blob, all in one round trip. The 4 blobs
  // are the first of 4 lanes, so each is asked with a POST that mounts it from the repository
  // itself: there, so no session is opened.
  const auto all = proxy_->requests();
  std::vector<ProxiedRequest> repush(all.begin() + static_cast<std::ptrdiff_t>(before), all.end());
  ASSERT_EQ(repush.size(), 1u + 1 + 4) << proxy_->log_text();
  std::set<int> connections;
  int pipelined = 0;
  for (const auto& p : repush) {
    const bool mount = p.method == "POST" && p.target.find("?mount=") != std::string::npos;
    EXPECT_TRUE(p.method == "HEAD" || p.target == "/v2/" || mount) << p.method << " " << p.target;
    if (mount) EXPECT_EQ(p.status, 201) << p.target;
    connections.insert(p.connection);
    pipelined += p.pipelined;
  }
  EXPECT_EQ(pipelined, static_cast<int>(repush.size() - connections.size())) << proxy_->log_text();
  EXPECT_EQ(proxy_->count("PUT", "/manifests/"), 1) << "only the first push put it";
}

TEST_F(RoundTripsTest, ARePushWhereTheRegistryCannotMountClosesTheSessionsItOpened) {
  auto image = small_image("e2e/rt:v1", 2, "64K");
  start_proxy(json::array());
  auto first = push_via("e2e/rt:v1");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // A registry that cannot mount answers 202 with a session even for a blob it holds.
  proxy_.reset();
  start_proxy(json::array(
      {{{"method", "POST"},
        {"path", "mount="},
        {"respond",
         {{"status", 202}, {"headers", {{"Location", "/v2/e2e/rt/blobs/uploads/unwanted"}}}}}}}));
  auto again = push_via("e2e/rt:v1");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  settle_proxy_log();
  EXPECT_EQ(proxy_actions("respond"), 3) << "the first blob of each of 3 lanes";
  EXPECT_EQ(proxy_->count("DELETE", "/blobs/uploads/unwanted"), 3) << proxy_->log_text();
  EXPECT_EQ(proxy_->count("PUT", "/blobs/uploads/"), 0) << "nothing sent into them";
  EXPECT_EQ(proxy_->count("PUT", "/manifests/"), 0) << "the tag already names the image";
  expect_image_intact("e2e/rt:v1", image);
}

}  // namespace
}  // namespace layerpush::testing
