// Running programs from tests, and temporary folders that clean themselves up.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace layerpush::testing {

struct CommandResult {
  int exit_code = -1;  // the exit status, or 128 + signal number if killed by a signal
  std::string out;
  std::string err;
  bool timed_out = false;  // killed (with its process group) after timeout_s; exit_code is 137
};

// Runs argv[0] (searched in PATH) with the given arguments, optional standard input and extra
// environment entries ("NAME=value"), capturing stdout and stderr. Kills it after `timeout_s`.
// An entry of extra_env replaces a variable of the same name. A program that cannot be started
// gives exit code 127 and the reason in `err`, as a shell would. Safe to call from several
// threads at once.
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::optional<std::string>& stdin_text = std::nullopt,
                          const std::vector<std::string>& extra_env = {}, int timeout_s = 300);

// Absolute path of a program built by this project, e.g. built_program("layerpush").
std::filesystem::path built_program(const std::string& name);

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "layerpush-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace layerpush::testing
