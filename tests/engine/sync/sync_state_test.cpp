#include "engine/sync/sync_state.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "tests/support/process.h"

namespace layerpush::engine {
namespace {
const std::string kDigest = "sha256:" + std::string(64, 'a');
const std::string kOther = "sha256:" + std::string(64, 'b');

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class SyncStateTest : public ::testing::Test {
 protected:
  testing::TempDir temp_{"layerpush-sync-state"};
  std::filesystem::path file_ = temp_.path() / "sub" / "run.state";
};

TEST_F(SyncStateTest, ARunStartedAgainSeesWhatTheFirstRecorded) {
  {
    SyncState first(file_, "key1");
    EXPECT_EQ(first.recorded(), 0u);
    first.record_blob("r:5000/team/app", kDigest);
    first.record_image("r:5000/team/app:v1", kOther);
  }
  SyncState again(file_, "key1");
  EXPECT_EQ(again.recorded(), 2u);
  EXPECT_TRUE(again.has_blob("r:5000/team/app", kDigest));
  EXPECT_FALSE(again.has_blob("r:5000/team/other", kDigest));
  EXPECT_EQ(again.image("r:5000/team/app:v1"), kOther);
  EXPECT_EQ(again.image("r:5000/team/app:v2"), std::nullopt);
  struct stat info {};
  ASSERT_EQ(::stat(file_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(SyncStateTest, AnotherRunKeyStartsOver) {
  {
    SyncState first(file_, "key1");
    first.record_blob("r/team/app", kDigest);
  }
  SyncState other(file_, "key2");
  EXPECT_EQ(other.recorded(), 0u);
  EXPECT_EQ(read(file_), "layerpush-sync 1 key2\n");
}

TEST_F(SyncStateTest, ATornLastRecordIsIgnored) {
  {
    SyncState first(file_, "key1");
    first.record_blob("r/team/app", kDigest);
  }
  std::ofstream(file_, std::ios::app) << "blob r/team/app " << kOther.substr(0, 20);  // no '\n'
  SyncState again(file_, "key1");
  EXPECT_TRUE(again.has_blob("r/team/app", kDigest));
  EXPECT_FALSE(again.has_blob("r/team/app", kOther));
}

TEST_F(SyncStateTest, RemoveDeletesTheFileAndAnEmptyPathKeepsNothing) {
  SyncState state(file_, "key1");
  state.record_blob("r/team/app", kDigest);
  state.remove();
  EXPECT_FALSE(std::filesystem::exists(file_));
  SyncState off({}, "key1");
  off.record_blob("r/team/app", kDigest);
  EXPECT_FALSE(off.has_blob("r/team/app", kOther));
}

TEST_F(SyncStateTest, DefaultPathsDifferByConfigAndShard) {
  const auto a = SyncState::default_path("/etc/a.yaml", {0, 2});
  EXPECT_NE(a, SyncState::default_path("/etc/a.yaml", {1, 2}));
  EXPECT_NE(a, SyncState::default_path("/etc/b.yaml", {0, 2}));
  EXPECT_EQ(a, SyncState::default_path("/etc/a.yaml", {0, 2}));
}

}  // namespace
}  // namespace layerpush::engine
