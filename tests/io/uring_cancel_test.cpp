// The io_uring reader's clean stop. Reads of cached file pages complete at once, so only reads
// that really wait show whether a stop cancels them: here they wait on an empty pipe.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "io/range_reader.h"

namespace layerpush::io {
namespace {

TEST(UringCancelTest, StopCancelsReadsStillWaitingForData) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        alarm(10);  // a read() that never returns ends the child by SIGALRM: a failure
        int fds[2];
        if (pipe(fds) != 0) _exit(2);
        const std::string first(1000, 'a');
        if (write(fds[1], first.data(), first.size()) != 1000) _exit(3);
        auto reader = make_reader(Backend::kIoUring, {1000, 8});
        int buffers = 0;
        // Chunk 0 takes the 1000 bytes; chunks 1-7 wait on the empty pipe until cancelled.
        reader->read(fds[0], 0, 8000, [&](auto) { return ++buffers, false; });
        if (buffers != 1) _exit(4);
        // A read still in flight would take these bytes before the test could.
        if (write(fds[1], "after", 5) != 5) _exit(5);
        fcntl(fds[0], F_SETFL, O_NONBLOCK);
        char got[8] = {};
        const ssize_t n = ::read(fds[0], got, sizeof(got));
        _exit(n == 5 && std::string(got, 5) == "after" ? 0 : 6);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace layerpush::io
