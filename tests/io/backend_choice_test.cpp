// choose_backend keeps per-process state, so the tests of its first decision run in a fresh
// child process each: gtest's "threadsafe" death-test style re-executes this binary for them.
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstddef>
#include <iostream>
#include <stdexcept>
#include <system_error>

#include "io/backends.h"
#include "io/range_reader.h"

namespace layerpush::io {
namespace {

// Ends the child: 0 when `ok`, else 1 after saying why on stderr.
[[noreturn]] void finish(bool ok, const std::string& why) {
  if (!ok) std::cerr << "child check failed: " << why << std::endl;
  _exit(ok ? 0 : 1);
}

// Makes io_uring_setup fail with EPERM in this process, as Docker's default seccomp profile does.
void block_io_uring() {
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog program{sizeof(filter) / sizeof(filter[0]), filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
    finish(false, "cannot install the seccomp filter");
  }
}

class BackendChoiceTest : public ::testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(BackendChoiceTest, NamesRoundTrip) {
  for (Backend b : {Backend::kIoUring, Backend::kPread})
    EXPECT_EQ(parse_backend(backend_name(b)), b);
  EXPECT_EQ(backend_name(Backend::kIoUring), "io_uring");
  EXPECT_EQ(parse_backend("uring"), std::nullopt);
  EXPECT_EQ(parse_backend(""), std::nullopt);
}

TEST_F(BackendChoiceTest, EnvironmentValues) {
  EXPECT_EQ(detail::backend_from_env_value(nullptr), std::nullopt);
  EXPECT_EQ(detail::backend_from_env_value(""), std::nullopt);
  EXPECT_EQ(detail::backend_from_env_value("pread"), Backend::kPread);
  EXPECT_EQ(detail::backend_from_env_value("io_uring"), Backend::kIoUring);
  try {
    detail::backend_from_env_value("uring2");
    FAIL() << "accepted an unknown backend";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("\"uring2\""), std::string::npos) << e.what();
  }
}

TEST_F(BackendChoiceTest, HonoursAForcedValue) {
  EXPECT_EQ(choose_backend(Backend::kPread), Backend::kPread);
  // Forcing io_uring gets it wherever the kernel offers it (it does on the test machines).
  const bool available = detail::probe_io_uring() == 0;
  EXPECT_EQ(choose_backend(Backend::kIoUring), available ? Backend::kIoUring : Backend::kPread);
  EXPECT_TRUE(available) << "io_uring is unavailable here, so its reader tests fail too";
}

TEST_F(BackendChoiceTest, EnvironmentForcesPread) {
  EXPECT_EXIT(
      {
        setenv("LAYERPUSH_IO", "pread", 1);
        finish(choose_backend() == Backend::kPread && choose_backend() == Backend::kPread,
               "LAYERPUSH_IO=pread was not honoured");
      },
      ::testing::ExitedWithCode(0), "");
}

TEST_F(BackendChoiceTest, InvalidEnvironmentValueThrowsNamingIt) {
  EXPECT_EXIT(
      {
        setenv("LAYERPUSH_IO", "fastest", 1);
        try {
          choose_backend();
        } catch (const std::invalid_argument& e) {
          std::cerr << e.what() << std::endl;
          finish(true, "");
        }
        finish(false, "no exception");
      },
      ::testing::ExitedWithCode(0), "LAYERPUSH_IO is \"fastest\"");
}

TEST_F(BackendChoiceTest, FallsBackToPreadWithOneNotice) {
  EXPECT_EXIT(
      {
        unsetenv("LAYERPUSH_IO");
        block_io_uring();
        std::string first;
        std::string second;
        const Backend chosen = choose_backend(std::nullopt, &first);
        const Backend forced = choose_backend(Backend::kIoUring, &second);
        std::cerr << first << std::endl;
        if (chosen != Backend::kPread || forced != Backend::kPread) finish(false, "not pread");
        if (!second.empty()) finish(false, "second notice: " + second);
        try {
          make_reader(Backend::kIoUring);
        } catch (const std::system_error& e) {
          finish(e.code().value() == EPERM, e.what());
        }
        finish(false, "an io_uring reader was made without io_uring");
      },
      ::testing::ExitedWithCode(0),
      "io_uring is unavailable \\(Operation not permitted\\); reading files with pread instead");
}

TEST_F(BackendChoiceTest, ProbesIoUringByDefault) {
  EXPECT_EXIT(
      {
        unsetenv("LAYERPUSH_IO");
        std::string notice;
        const Backend chosen = choose_backend(std::nullopt, &notice);
        finish(chosen == Backend::kIoUring && notice.empty(),
               "chose " + std::string(backend_name(chosen)) + ": " + notice);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace layerpush::io
