// `layerpush sync CONFIG` between two real registries: a whole estate copied with every
// manifest digest kept, each shared blob uploaded once and mounted everywhere else (counted in
// the destination registry's own log), a second run that sends nothing, shards that together
// cover everything once, multi-platform images whole and filtered, and a dry run that writes
// nothing. Failures, kills and refusals are in sync_failures_test.cpp.
#include "tests/e2e/sync_fixture.h"

namespace layerpush::testing {
namespace {
using nlohmann::json;

TEST_F(SyncTest, CopiesAnEstateSendingEachBlobOnceAndMountingSharedOnes) {
  const auto estate = make_estate(8);  // 8 repositories x 3 tags = 24 images, 16 manifests
  const auto config = estate_config(estate, registry_->host());
  registry_->forget_requests();
  auto r = sync({"--json", config});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_mirrored(estate);

  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.at("summary").size(), 1u);
  const auto& summary = lines.at("summary")[0];
  EXPECT_EQ(summary["images"], 24);
  EXPECT_EQ(summary["copied"], 24);
  EXPECT_EQ(summary["failed"], 0);
  EXPECT_EQ(lines.at("image").size(), 24u);
  for (const auto& image : lines.at("image")) EXPECT_EQ(image["action"], "copied") << image;

  // Every distinct blob was committed exactly once in the whole registry; the shared base layer
  // went to one repository and was mounted into the 7 others, by the registry's own log.
  for (const auto& digest : estate.blobs) EXPECT_EQ(commits_of(digest), 1) << digest;
  EXPECT_EQ(summary["blobs_uploaded"], estate.blobs.size());
  EXPECT_EQ(summary["blobs_mounted"], 7);
  EXPECT_EQ(mounts_seen(), 7);
  EXPECT_EQ(registry_->count_requests("POST", "mount=" + estate.base_layer), 7);
  int base_lines = 0;
  for (const auto& blob : lines.at("blob")) {
    EXPECT_TRUE(blob.contains("seconds") && blob.contains("retries") && blob.contains("bytes"));
    base_lines += blob["digest"] == estate.base_layer;
  }
  EXPECT_EQ(base_lines, 8);  // one per repository: 1 uploaded, 7 mounted
  // Tags that name one manifest share its PUT-by-tag only: 24 manifests PUT, one per tag.
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 24);
  // skopeo reads one mirrored image back whole, every blob checked against its digest.
  const auto back = copy_back("mirror/estate/app3:latest");
  EXPECT_TRUE(back.count(estate.base_layer));
}

TEST_F(SyncTest, ASecondSyncSendsNoBlobAndCostsOneHeadPerImage) {
  const auto estate = make_estate(7);  // 21 images
  const auto config = estate_config(estate, registry_->host());
  auto first = sync({config});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  registry_->forget_requests();
  auto again = sync({"--json", config});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto lines = lines_of(again.out);
  const auto& summary = lines.at("summary")[0];
  EXPECT_EQ(summary["skipped"], 21);
  EXPECT_EQ(summary["bytes_uploaded"], 0);
  EXPECT_EQ(lines.count("blob"), 0u);
  EXPECT_EQ(blob_uploads_seen(), 0);
  EXPECT_EQ(registry_->count_requests("HEAD", "/blobs/"), 0);
  EXPECT_EQ(registry_->count_requests("HEAD", "/manifests/"), 21);
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0);
  expect_mirrored(estate);
  // The first run finished, so it left no checkpoint behind.
  EXPECT_FALSE(std::filesystem::exists(dir("state") + "/layerpush/sync") &&
               !std::filesystem::is_empty(dir("state") + "/layerpush/sync"));
}

TEST_F(SyncTest, JobsCapTheWholeRunAndJobsPerHostEachRegistry) {
  const auto estate = make_estate(3);
  const auto config = estate_config(estate, registry_->host());
  auto capped = sync({"--jobs", "4", "--jobs-per-host", "2", "--state", dir("a.state"), config});
  ASSERT_EQ(capped.exit_code, 0) << capped.err;
  const int per_host = registry_->max_open_uploads();
  EXPECT_GE(per_host, 1);
  EXPECT_LE(per_host, 2) << registry_->log_text();
  expect_mirrored(estate);

  // Into a second registry with the global cap alone: more at once, never above it.
  auto other = LocalRegistry::start();
  auto global = sync({"--jobs", "3", estate_config(estate, other->host())});
  ASSERT_EQ(global.exit_code, 0) << global.err;
  EXPECT_LE(other->max_open_uploads(), 3) << other->log_text();
  EXPECT_GE(other->max_open_uploads(), 2) << "uploads should overlap with --jobs 3";
}

TEST_F(SyncTest, ShardsTogetherCopyEveryImageOnce) {
  const auto estate = make_estate(4);  // 12 images
  const auto config = estate_config(estate, registry_->host());
  std::set<std::string> copied;
  for (int shard = 0; shard < 3; ++shard) {
    auto r = sync({"--json", "--shard", std::to_string(shard) + "/3", config});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto lines = lines_of(r.out);  // kept: a range-for over a temporary's member would dangle
    for (const auto& image : lines["image"]) {
      EXPECT_EQ(image["action"], "copied") << image;
      EXPECT_TRUE(copied.insert(image["source"]).second) << "copied twice: " << image;
    }
  }
  EXPECT_EQ(copied.size(), 12u);
  expect_mirrored(estate);
}

TEST_F(SyncTest, CopiesAMultiPlatformIndexWholeAndFiltered) {
  auto image = source_image({"--layers", "2", "--layer-size", "64K", "--platforms",
                             "linux/amd64,linux/arm64/v8", "--name", "estate/multi:v1"},
                            "estate/multi:v1");
  const auto& arm64 = image["images"][1];
  ASSERT_EQ(arm64["platform"], "linux/arm64/v8");
  const auto config = write_config("images:\n"
                                   "  - source: " + src("estate/multi") + "\n"
                                   "    tags: [v1]\n"
                                   "    target: " + dest("whole/multi") + "\n"
                                   "  - source: " + src("estate/multi") + "\n"
                                   "    tags: [v1]\n"
                                   "    platforms: [linux/arm64/v8]\n"
                                   "    target: " + dest("arm/multi") + "\n");
  auto r = sync({"--json", config});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(raw_digest("whole/multi:v1"), image["manifest_digest"]);
  for (const auto& platform : image["images"])
    EXPECT_EQ(raw_digest("whole/multi@" + platform["manifest_digest"].get<std::string>()),
              platform["manifest_digest"]);
  // The filtered copy is a new index listing the arm64 image only, which is byte for byte its own.
  auto filtered = skopeo({"inspect", "--tls-verify=false", "--raw", "docker://" + dest("arm/multi:v1")});
  ASSERT_EQ(filtered.exit_code, 0) << filtered.err;
  const auto index = json::parse(filtered.out);
  ASSERT_EQ(index["manifests"].size(), 1u);
  EXPECT_EQ(index["manifests"][0]["digest"], arm64["manifest_digest"]);
  EXPECT_EQ(raw_digest("arm/multi@" + arm64["manifest_digest"].get<std::string>()),
            arm64["manifest_digest"]);
  // The arm64 blobs reached arm/multi by mount from whole/multi, not by a second upload.
  for (const auto& layer : arm64["layers"]) EXPECT_EQ(commits_of(layer["digest"]), 1) << layer;
  auto back = skopeo({"copy", "--all", "--preserve-digests", "--src-tls-verify=false",
                      "docker://" + dest("arm/multi:v1"), "oci:" + dir("back") + ":v1"});
  EXPECT_EQ(back.exit_code, 0) << back.err;
}

TEST_F(SyncTest, ADryRunPrintsThePlanAndWritesNothing) {
  const auto estate = make_estate(3);  // 9 images
  const auto config = estate_config(estate, registry_->host());
  registry_->forget_requests();
  auto r = sync({"--dry-run", config});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& reference : estate.references)
    EXPECT_NE(r.out.find("would copy " + src(reference) + " -> " + dest("mirror/" + reference)),
              std::string::npos)
        << r.out;
  EXPECT_NE(r.out.find("would upload " + estate.base_layer), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("would mount " + estate.base_layer), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("plan: 9 images, 9 to copy, 0 unchanged; " +
                       std::to_string(estate.blobs.size()) + " blobs to upload"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(blob_uploads_seen(), 0);
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0);
  EXPECT_FALSE(std::filesystem::exists(dir("state") + "/layerpush/sync"));
}

}  // namespace
}  // namespace layerpush::testing
