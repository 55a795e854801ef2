// run_command: posix_spawnp with three pipes, all drained in one poll() loop so a child that
// fills stderr while we are still feeding its stdin cannot deadlock us.
#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "tests/support/spawn_util.h"

namespace layerpush::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Reads what is available from `fd` into `out`; returns false at end of file.
bool drain(int fd, std::string& out) {
  char buf[65536];
  ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  out.append(buf, static_cast<std::size_t>(n));
  return n > 0;
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Waits for the child until the deadline, then kills its process group and reaps it.
int reap(pid_t pid, Clock::time_point deadline, bool& timed_out) {
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (Clock::now() >= deadline) {
      timed_out = true;
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return exit_code_of(status);
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv,
                          const std::optional<std::string>& stdin_text,
                          const std::vector<std::string>& extra_env, int timeout_s) {
  CommandResult result;
  Pipe in, out, err;
  SpawnActions actions;
  if (stdin_text) {
    actions.dup2(in.read_end(), 0);
  } else {
    actions.open(0, "/dev/null", O_RDONLY);
  }
  actions.dup2(out.write_end(), 1);
  actions.dup2(err.write_end(), 2);
  // Its own process group, so a timeout also kills whatever the command started.
  SpawnAttributes attributes(/*own_process_group=*/true);
  std::vector<std::string> env = environment_with(extra_env);

  pid_t pid = -1;
  int rc = spawn_program(argv, env, actions, attributes, pid);
  if (rc != 0) {
    result.exit_code = 127;  // what a shell reports for a command it cannot run
    result.err = "run_command: cannot run " + argv.at(0) + ": " + std::strerror(rc) + "\n";
    return result;
  }
  in.close_read();
  out.close_write();
  err.close_write();

  // A child that exits without reading its stdin makes our write fail with EPIPE; block SIGPIPE
  // on this thread meanwhile so it does not kill the test program.
  SigpipeBlock sigpipe_block;
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_s);
  std::string_view to_write = stdin_text ? std::string_view(*stdin_text) : std::string_view();
  if (stdin_text) ::fcntl(in.write_end(), F_SETFL, O_NONBLOCK);
  if (stdin_text && to_write.empty()) in.close_write();
  bool out_open = true, err_open = true;
  // Runs until both outputs end and stdin is delivered (or refused), or the deadline passes.
  while (out_open || err_open || in.write_end() >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;  // reap() kills it
    pollfd fds[3] = {
        {out.read_end(), POLLIN, 0}, {err.read_end(), POLLIN, 0}, {in.write_end(), POLLOUT, 0}};
    // A negative fd is skipped by poll(): closed streams simply drop out.
    if (!out_open) fds[0].fd = -1;
    if (!err_open) fds[1].fd = -1;
    if (::poll(fds, 3, static_cast<int>(std::min<long long>(left.count(), 1000))) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents) out_open = drain(out.read_end(), result.out);
    if (fds[1].revents) err_open = drain(err.read_end(), result.err);
    if (fds[2].fd >= 0 && fds[2].revents) {
      ssize_t n = ::write(in.write_end(), to_write.data(), to_write.size());
      if (n > 0) to_write.remove_prefix(static_cast<std::size_t>(n));
      // EPIPE: the child stopped reading, which is its business, not an error of ours.
      if (to_write.empty() || (n < 0 && errno != EAGAIN && errno != EINTR)) in.close_write();
    }
  }
  in.close_write();
  result.exit_code = reap(pid, deadline, result.timed_out);
  if (result.timed_out)
    result.err += "run_command: killed after " + std::to_string(timeout_s) + " s\n";
  return result;
}

}  // namespace layerpush::testing
