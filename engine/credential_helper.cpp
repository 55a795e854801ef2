#include "engine/credential_helper.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "engine/error.h"
#include "engine/json_fields.h"

extern char** environ;

namespace layerpush::engine {
namespace {

struct HelperRun {
  int status = -1;
  std::string out;
};

HelperRun run_helper(const std::string& program, const std::string& input) {
  int to_child[2], from_child[2];
  if (::pipe(to_child) != 0) throw Error(ErrorKind::kInput, "cannot run " + program + ": no pipe");
  if (::pipe(from_child) != 0) {
    ::close(to_child[0]);
    ::close(to_child[1]);
    throw Error(ErrorKind::kInput, "cannot run " + program + ": no pipe");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
  posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
  for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]})
    posix_spawn_file_actions_addclose(&actions, fd);
  std::vector<char*> argv = {const_cast<char*>(program.c_str()), const_cast<char*>("get"), nullptr};
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(to_child[0]);
  ::close(from_child[1]);
  HelperRun run;
  if (rc != 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    throw Error(ErrorKind::kInput, "cannot run credential helper " + program + ": " + std::strerror(rc));
  }
  // The server name is a line; helpers read it whole before answering, so writing first is safe.
  (void)!::write(to_child[1], input.data(), input.size());
  ::close(to_child[1]);
  char buffer[4096];
  for (ssize_t n; (n = ::read(from_child[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    run.out.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(from_child[0]);
  while (::waitpid(pid, &run.status, 0) < 0 && errno == EINTR) {
  }
  return run;
}

}  // namespace

std::optional<Credentials> credentials_from_helper(const std::string& helper,
                                                   const std::string& server) {
  const std::string program = "docker-credential-" + helper;
  const HelperRun run = run_helper(program, server + "\n");
  if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0) {
    if (run.out.find("credentials not found") != std::string::npos) return std::nullopt;
    throw Error(ErrorKind::kInput, "credential helper " + program + " failed for " + server);
  }
  const auto doc = nlohmann::json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("Secret") || !doc["Secret"].is_string())
    throw Error(ErrorKind::kInput, "credential helper " + program + " answered for " + server +
                                       " without a Secret");
  Credentials c;
  c.username = string_at(doc, "Username");
  if (c.username == "<token>") {
    c.username.clear();
    c.identity_token = doc["Secret"].get<std::string>();
  } else {
    c.password = doc["Secret"].get<std::string>();
  }
  return c;
}

}  // namespace layerpush::engine
