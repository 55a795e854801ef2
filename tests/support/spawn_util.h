// Small RAII pieces over posix_spawn shared by run_command and LocalRegistry: pipes, file
// actions, attributes, the child's environment, and SIGPIPE blocking. Each object belongs to
// the thread that made it.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace layerpush::testing {

// Both ends close-on-exec, so a child spawned by another thread at the same moment does not
// inherit them and hold our pipe open.
class Pipe {
 public:
  Pipe();
  ~Pipe();
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void close_read();
  void close_write();

 private:
  int fds_[2] = {-1, -1};
};

class SpawnActions {
 public:
  SpawnActions();
  ~SpawnActions();
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  void dup2(int from, int to);
  void open(int fd, const std::string& path, int flags);
  const posix_spawn_file_actions_t* get() const { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

// The child starts with no blocked signals and SIGPIPE at its default, whatever this process
// has set, optionally in a process group of its own.
class SpawnAttributes {
 public:
  explicit SpawnAttributes(bool own_process_group);
  ~SpawnAttributes();
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  const posix_spawnattr_t* get() const { return &attributes_; }

 private:
  posix_spawnattr_t attributes_;
};

// This process's environment without variables starting with `drop_prefix` (if not empty),
// with each "NAME=value" of `extra` replacing a variable of that name or added at the end.
std::vector<std::string> environment_with(const std::vector<std::string>& extra,
                                          std::string_view drop_prefix = {});

// Stops a server the tests started: SIGTERM, then SIGKILL if it has not exited after 5 s; reaps
// it either way.
void stop_and_reap(pid_t pid);

// posix_spawnp; returns its error number (0 on success).
int spawn_program(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  const SpawnActions& actions, const SpawnAttributes& attributes, pid_t& pid);

// Blocks SIGPIPE on this thread while alive; on destruction discards a SIGPIPE raised meanwhile
// and restores the previous mask.
class SigpipeBlock {
 public:
  SigpipeBlock();
  ~SigpipeBlock();
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t previous_;
};

}  // namespace layerpush::testing
