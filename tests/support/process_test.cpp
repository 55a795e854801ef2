#include "tests/support/process.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>

namespace layerpush::testing {
namespace {

TEST(RunCommandTest, CapturesOutputErrorAndExitCode) {
  auto r = run_command({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  EXPECT_FALSE(r.timed_out);
}

TEST(RunCommandTest, FeedsStandardInput) {
  auto r = run_command({"tr", "a-z", "A-Z"}, std::string("hello\n"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "HELLO\n");
}

TEST(RunCommandTest, WithoutInputTheChildReadsEndOfFile) {
  auto r = run_command({"wc", "-c"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "0\n");
}

// Several MiB each way at once: deadlocks if stdin is written without draining stdout/stderr.
TEST(RunCommandTest, LargeStreamsBothWaysDoNotDeadlock) {
  std::string input(8 << 20, 'x');
  auto r = run_command({"sh", "-c", "tee /dev/stderr"}, input);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.size(), input.size());
  EXPECT_EQ(r.err.size(), input.size());
}

TEST(RunCommandTest, ChildIgnoringInputDoesNotKillUs) {
  auto r = run_command({"true"}, std::string(4 << 20, 'x'));
  EXPECT_EQ(r.exit_code, 0);
}

// The child closes its outputs first and only then reads: stdin must still be delivered.
TEST(RunCommandTest, InputIsDeliveredAfterTheOutputsClose) {
  TempDir dir;
  auto file = (dir.path() / "got").string();
  std::string input(1 << 20, 'y');  // more than a pipe holds
  auto r = run_command({"sh", "-c", "exec >/dev/null 2>&1; sleep 0.2; cat > " + file}, input);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(std::filesystem::file_size(file), input.size());
}

TEST(RunCommandTest, ExtraEnvironmentIsAddedAndOverrides) {
  auto r = run_command({"sh", "-c", "echo \"$LP_ONE $HOME\""}, std::nullopt,
                       {"LP_ONE=1", "HOME=/elsewhere"});
  EXPECT_EQ(r.out, "1 /elsewhere\n");
  auto path = run_command({"sh", "-c", "echo \"$PATH\""});
  EXPECT_FALSE(path.out.empty() || path.out == "\n") << "the environment must be inherited";
}

TEST(RunCommandTest, TimeoutKillsTheCommandAndWhatItStarted) {
  auto start = std::chrono::steady_clock::now();
  auto r = run_command({"sh", "-c", "sleep 30 & sleep 30"}, std::nullopt, {}, 1);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, 128 + 9);
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_NE(r.err.find("killed after 1 s"), std::string::npos) << r.err;
}

TEST(RunCommandTest, SignalGives128PlusItsNumber) {
  auto r = run_command({"sh", "-c", "kill -TERM $$"});
  EXPECT_EQ(r.exit_code, 128 + 15);
  EXPECT_FALSE(r.timed_out);
}

TEST(RunCommandTest, MissingProgramGives127) {
  auto r = run_command({"layerpush-no-such-program"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.err.find("layerpush-no-such-program"), std::string::npos) << r.err;
}

TEST(TempDirTest, CreatesAFreshFolderAndRemovesItWithItsContents) {
  std::filesystem::path kept;
  {
    TempDir a("lp-tempdir"), b("lp-tempdir");
    kept = a.path();
    EXPECT_NE(a.path(), b.path());
    EXPECT_TRUE(std::filesystem::is_directory(a.path()));
    EXPECT_EQ(a.path().parent_path(), "/tmp");
    EXPECT_EQ(a.path().filename().string().rfind("lp-tempdir-", 0), 0u);
    std::filesystem::create_directories(a.path() / "x" / "y");
    std::ofstream(a.path() / "x" / "y" / "f") << "data";
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

TEST(BuiltProgramTest, PointsIntoTheBuildTree) {
  auto p = built_program("layerpush-mkimage");
  EXPECT_EQ(p, std::filesystem::path(LAYERPUSH_BINARY_DIR) / "tools" / "layerpush-mkimage");
}

}  // namespace
}  // namespace layerpush::testing
