// `layerpush sync` when things go wrong: a broken source (a missing tag, a corrupt blob) fails
// only its image under --keep-going and the whole run without it; a run killed part way (SIGKILL)
// and started again ends complete without sending a finished blob or image twice; --no-clobber
// leaves tags that point elsewhere; a bad config or flag is refused with exit 2.
#include <fstream>

#include "tests/e2e/sync_fixture.h"

namespace layerpush::testing {
namespace {
using nlohmann::json;

// Overwrites the source registry's stored copy of `digest` with as many other bytes, so the
// registry serves bytes that do not match their digest.
void corrupt_stored_blob(const LocalRegistry& registry, const std::string& digest) {
  const std::string hex = digest.substr(std::string("sha256:").size());
  const auto file = registry.root() / "data/docker/registry/v2/blobs/sha256" / hex.substr(0, 2) /
                    hex / "data";
  ASSERT_TRUE(std::filesystem::exists(file)) << file;
  const auto size = std::filesystem::file_size(file);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << std::string(size, 'x');
}

class SyncFailuresTest : public SyncTest {
 protected:
  // Three repositories: good/app (v1), broken/corrupt (v1, one layer corrupt at the source),
  // and an entry asking for a tag that does not exist.
  std::string broken_config() {
    source_image({"--layers", "2", "--layer-size", "32K", "--seed", "1"}, "good/app:v1");
    auto bad = source_image({"--layers", "2", "--layer-size", "32K", "--seed", "2"},
                            "broken/corrupt:v1");
    corrupt_stored_blob(*source_, bad["layers"][1]["digest"]);
    return write_config("target: " + dest("mirror") + "\n"
                        "images:\n"
                        "  - source: " + src("good/app") + "\n    tags: [v1]\n"
                        "  - source: " + src("broken/corrupt") + "\n    tags: [v1]\n"
                        "  - source: " + src("good/app") + "\n    tags: [nope]\n");
  }
};

TEST_F(SyncFailuresTest, KeepGoingFailsOnlyTheBrokenImagesAndNamesThem) {
  const auto config = broken_config();
  auto r = sync({"--json", "--keep-going", config});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::map<std::string, json> by_source;
  auto lines = lines_of(r.out);  // kept: a range-for over a temporary's member would dangle
  for (const auto& image : lines["image"]) by_source[image["source"]] = image;
  ASSERT_EQ(by_source.size(), 3u) << r.out;
  EXPECT_EQ(by_source[src("good/app:v1")]["action"], "copied");
  EXPECT_EQ(by_source[src("broken/corrupt:v1")]["action"], "failed");
  EXPECT_NE(by_source[src("broken/corrupt:v1")]["error"].get<std::string>().find("corrupt"),
            std::string::npos) << by_source[src("broken/corrupt:v1")];
  EXPECT_EQ(by_source[src("good/app:nope")]["action"], "failed");
  EXPECT_NE(by_source[src("good/app:nope")]["error"].get<std::string>().find("nope"),
            std::string::npos) << by_source[src("good/app:nope")];
  // The rest landed; the broken image has no manifest in the mirror.
  EXPECT_EQ(digest_at(registry_->host(), "mirror/good/app:v1"), digest_at(source_->host(), "good/app:v1"));
  EXPECT_EQ(digest_at(registry_->host(), "mirror/broken/corrupt:v1"), "");
  // One closing sentence names what failed.
  EXPECT_NE(r.err.find("2 of 3 images not copied: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(src("broken/corrupt:v1")), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(src("good/app:nope")), std::string::npos) << r.err;
}

TEST_F(SyncFailuresTest, WithoutKeepGoingABrokenSourceEndsTheRunBeforeAnyWrite) {
  const auto config = broken_config();
  registry_->forget_requests();
  auto r = sync({config});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // The missing tag is found while planning, before anything is written.
  EXPECT_NE(r.err.find("nope"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(blob_uploads_seen(), 0);
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0);
}

TEST_F(SyncFailuresTest, AKilledSyncResumesWithoutSendingFinishedWorkAgain) {
  const auto estate = make_estate(7);  // 21 images; 43 distinct blobs: 29 layers, 14 configs
  // Behind the proxy, the 36th blob upload hangs; with one lane the run stops there and is
  // killed (SIGKILL, by the timeout) with every layer and a few images done (largest first:
  // the configs go last, and an image is put once its config is in).
  start_proxy(json::array({{{"method", "PUT"}, {"path", "/blobs/uploads/"}, {"skip", 35},
                            {"times", 1}, {"stall_ms", 60000}}}));
  const auto config = estate_config(estate, proxy_->host());
  // The timeout is the kill: generous, so that even a loaded machine reaches the stall first.
  auto killed = sync({"--json", "--jobs", "1", config}, /*timeout_s=*/20);
  ASSERT_TRUE(killed.timed_out) << killed.err;
  settle_proxy_log();
  const auto before = lines_of(killed.out);
  ASSERT_GE(before.count("blob") ? before.at("blob").size() : 0, 35u) << killed.out;
  ASSERT_GE(before.count("image") ? before.at("image").size() : 0, 3u) << killed.out;
  std::set<std::string> committed_before;
  for (const auto& request : registry_->requests())
    if (request.method == "PUT" && request.uri.find("digest=") != std::string::npos)
      committed_before.insert(request.uri.substr(request.uri.find("digest=") + 7));
  ASSERT_GE(committed_before.size(), 35u);
  registry_->forget_requests();

  auto resumed = sync({"--json", config});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming an interrupted sync"), std::string::npos) << resumed.err;
  // No blob committed before the kill was committed again, and every image is in place.
  for (const auto& request : registry_->requests())
    if (request.method == "PUT" && request.uri.find("digest=") != std::string::npos) {
      const auto digest = request.uri.substr(request.uri.find("digest=") + 7);
      EXPECT_FALSE(committed_before.count(digest)) << "sent again: " << digest;
    }
  // What the first run finished was not even checked again.
  const auto after = lines_of(resumed.out);
  int checked_again = 0;
  for (const auto& image : before.at("image"))
    for (const auto& again : after.at("image"))
      checked_again += again["destination"] == image["destination"] && again["action"] != "skipped";
  EXPECT_EQ(checked_again, 0);
  EXPECT_EQ(after.at("summary")[0]["failed"], 0);
  expect_mirrored(estate);
  EXPECT_TRUE(copy_back("mirror/estate/app6:v1").count(estate.base_layer));
}

TEST_F(SyncFailuresTest, NoClobberLeavesTagsThatPointElsewhereAndCopiesTheRest) {
  source_image({"--layers", "1", "--layer-size", "16K", "--seed", "1"}, "team/app:v1");
  source_image({"--layers", "1", "--layer-size", "16K", "--seed", "2"}, "team/app:v2");
  // The mirror already has another image under v1.
  auto other = make_image({"--format", "oci", "--out", dir("other"), "--layers", "1",
                           "--layer-size", "16K", "--seed", "3"});
  ASSERT_EQ(layerpush({"push", "oci:" + dir("other"), dest("mirror/team/app:v1")}).exit_code, 0);
  const auto config = write_config("target: " + dest("mirror") + "\nimages:\n  - source: " +
                                   src("team/app") + "\n    all-tags: true\n");
  auto r = sync({"--no-clobber", config});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("tag v1 on " + dest("mirror/team/app") + " already points at " +
                       other["manifest_digest"].get<std::string>()),
            std::string::npos)
      << r.err;
  EXPECT_EQ(digest_at(registry_->host(), "mirror/team/app:v1"), other["manifest_digest"]);
  EXPECT_EQ(digest_at(registry_->host(), "mirror/team/app:v2"), digest_at(source_->host(), "team/app:v2"));
}

TEST_F(SyncFailuresTest, BadConfigsAndFlagsAreRefusedWithExit2) {
  const auto typo = write_config("images:\n  - source: " + src("team/app") + "\n    tag: [v1]\n",
                                 "typo.yaml");
  auto r = sync({typo});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("typo.yaml"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"tag\""), std::string::npos) << r.err;
  auto shard = sync({"--shard", "3/3", typo});
  EXPECT_EQ(shard.exit_code, 2) << shard.err;
  EXPECT_NE(shard.err.find("--shard \"3/3\""), std::string::npos) << shard.err;
  auto missing = sync({dir("nowhere.yaml")});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("nowhere.yaml"), std::string::npos) << missing.err;
  EXPECT_EQ(registry_->count_requests("GET", "/v2/"), 0);
}

}  // namespace
}  // namespace layerpush::testing
