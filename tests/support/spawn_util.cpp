#include "tests/support/spawn_util.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <cerrno>
#include <ctime>
#include <system_error>

extern char** environ;

namespace layerpush::testing {

Pipe::Pipe() {
  if (::pipe2(fds_, O_CLOEXEC) != 0)
    throw std::system_error(errno, std::generic_category(), "pipe2");
}

Pipe::~Pipe() {
  close_read();
  close_write();
}

void Pipe::close_read() {
  if (fds_[0] >= 0) ::close(fds_[0]);
  fds_[0] = -1;
}

void Pipe::close_write() {
  if (fds_[1] >= 0) ::close(fds_[1]);
  fds_[1] = -1;
}

SpawnActions::SpawnActions() { posix_spawn_file_actions_init(&actions_); }
SpawnActions::~SpawnActions() { posix_spawn_file_actions_destroy(&actions_); }

void SpawnActions::dup2(int from, int to) { posix_spawn_file_actions_adddup2(&actions_, from, to); }

void SpawnActions::open(int fd, const std::string& path, int flags) {
  posix_spawn_file_actions_addopen(&actions_, fd, path.c_str(), flags, 0644);
}

SpawnAttributes::SpawnAttributes(bool own_process_group) {
  posix_spawnattr_init(&attributes_);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (own_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attributes_, 0);
  }
  sigset_t none, pipe_only;
  sigemptyset(&none);
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  posix_spawnattr_setsigmask(&attributes_, &none);
  posix_spawnattr_setsigdefault(&attributes_, &pipe_only);
  posix_spawnattr_setflags(&attributes_, flags);
}

SpawnAttributes::~SpawnAttributes() { posix_spawnattr_destroy(&attributes_); }

std::vector<std::string> environment_with(const std::vector<std::string>& extra,
                                          std::string_view drop_prefix) {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    if (!drop_prefix.empty() && entry.starts_with(drop_prefix)) continue;
    env.emplace_back(entry);
  }
  for (const auto& add : extra) {
    std::string name = add.substr(0, add.find('=') + 1);  // "NAME="
    std::erase_if(env, [&](const std::string& e) { return e.starts_with(name); });
    env.push_back(add);
  }
  return env;
}

void stop_and_reap(pid_t pid) {
  ::kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int spawn_program(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  const SpawnActions& actions, const SpawnAttributes& attributes, pid_t& pid) {
  if (argv.empty()) return EINVAL;
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  return posix_spawnp(&pid, args[0], actions.get(), attributes.get(), args.data(), envp.data());
}

SigpipeBlock::SigpipeBlock() {
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &previous_);
}

SigpipeBlock::~SigpipeBlock() {
  if (!sigismember(&previous_, SIGPIPE)) {
    sigset_t pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    const timespec no_wait{};
    // A pending SIGPIPE would be delivered, and kill us, as soon as the mask is restored.
    while (sigtimedwait(&pipe_only, nullptr, &no_wait) == SIGPIPE) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

}  // namespace layerpush::testing
