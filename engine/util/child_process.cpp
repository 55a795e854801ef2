#include "engine/util/child_process.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <string_view>

extern char** environ;

namespace layerpush::engine {
namespace {

// Closes whichever of a pipe's ends are still open when the run ends, however it ends.
struct PipeEnds {
  int fds[2] = {-1, -1};
  bool open() { return ::pipe2(fds, O_CLOEXEC) == 0; }
  void close_end(int which) {
    if (fds[which] >= 0) ::close(fds[which]);
    fds[which] = -1;
  }
  ~PipeEnds() {
    close_end(0);
    close_end(1);
  }
};

// Writes all of `text` to `fd` with SIGPIPE held back on this thread, so a program that ends
// without reading makes write() fail with EPIPE instead of killing this process.
void write_all_without_sigpipe(int fd, std::string_view text) {
  sigset_t pipe_only, previous;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &previous);
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EPIPE: the program's exit status tells the caller what happened
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  if (!sigismember(&previous, SIGPIPE)) {
    // A SIGPIPE raised meanwhile is pending; it would be delivered when the mask is restored.
    const timespec no_wait{};
    while (::sigtimedwait(&pipe_only, nullptr, &no_wait) == SIGPIPE) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

void read_all(int fd, std::string& out) {
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

bool ChildRun::exited_zero() const {
  return spawn_error == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

ChildRun run_child(const std::vector<std::string>& argv, const std::string& input) {
  ChildRun run;
  PipeEnds to_child, from_child;
  if (argv.empty() || !to_child.open() || !from_child.open()) {
    run.spawn_error = argv.empty() ? EINVAL : errno;
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child.fds[0], 0);
  posix_spawn_file_actions_adddup2(&actions, from_child.fds[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  run.spawn_error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  // Only the child keeps these ends, so end of file reaches each side when the other is done.
  to_child.close_end(0);
  from_child.close_end(1);
  if (run.spawn_error != 0) return run;
  // Helpers read their whole input before answering, and it is small: writing it all first
  // cannot deadlock against their output.
  write_all_without_sigpipe(to_child.fds[1], input);
  to_child.close_end(1);
  read_all(from_child.fds[0], run.out);
  while (::waitpid(pid, &run.status, 0) < 0 && errno == EINTR) {
  }
  return run;
}

}  // namespace layerpush::engine
