// --jobs caps the blob uploads open at once; the registry's own log is the witness.
#include "tests/e2e/push_fixture.h"

namespace layerpush::testing {
namespace {

class JobsCapTest : public PushTest, public ::testing::WithParamInterface<int> {};

TEST_P(JobsCapTest, NeverOpensMoreUploadsThanJobs) {
  const int jobs = GetParam();
  auto image = make_image({"--format", "oci", "--out", dir("oci"), "--layers", "8",
                           "--layer-size", "4M", "--name", "e2e/jobs:v1"});
  auto summary = push_json({"--jobs", std::to_string(jobs), "oci:" + dir("oci") + ":v1",
                            dest("e2e/jobs:v1")});
  EXPECT_EQ(summary["manifest_digest"], image["manifest_digest"]);
  const int open_at_once = registry_->max_open_uploads();
  EXPECT_GE(open_at_once, 1);
  EXPECT_LE(open_at_once, jobs) << registry_->log_text();
  if (jobs > 1) {
    EXPECT_GE(open_at_once, 2) << "uploads should overlap with --jobs " << jobs;
  }
  // Connections are pooled: a lane reuses its own, so there are never more than the lanes.
  EXPECT_LE(summary["connections"].get<int>(), jobs);
  EXPECT_EQ(registry_manifest_digest("e2e/jobs:v1"), image["manifest_digest"]);
}

INSTANTIATE_TEST_SUITE_P(Jobs, JobsCapTest, ::testing::Values(1, 2, 5));

}  // namespace
}  // namespace layerpush::testing
