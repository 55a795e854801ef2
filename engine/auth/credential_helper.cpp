#include "engine/auth/credential_helper.h"

#include <sys/wait.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "engine/util/child_process.h"
#include "engine/util/error.h"

namespace layerpush::engine {
namespace {

constexpr const char* kTokenUser = "<token>";

struct HelperRun {
  ChildRun child;
  std::string program;
  bool not_found() const {
    return !child.exited_zero() && child.out.find("credentials not found") != std::string::npos;
  }
  // "failed to store the credentials for HOST (exit status 1)"; never the helper's output.
  Error failure(const std::string& what, const std::string& server) const {
    std::string how = "exit status " + std::to_string(WEXITSTATUS(child.status));
    if (WIFSIGNALED(child.status))
      how = "killed by signal " + std::to_string(WTERMSIG(child.status));
    return Error(ErrorKind::kCredentialHelper, "credential helper " + program + " failed to " +
                                                   what + " the credentials for " + server + " (" +
                                                   how + ")");
  }
};

// Runs `docker-credential-HELPER ACTION` with `input`; throws only when it cannot be started.
HelperRun run_helper(const std::string& helper, const char* action, const std::string& server,
                     const std::string& input) {
  HelperRun run;
  run.program = "docker-credential-" + helper;
  run.child = run_child({run.program, action}, input);
  if (run.child.spawn_error != 0)
    throw Error(ErrorKind::kCredentialHelper, "cannot run credential helper " + run.program +
                                                  " for " + server + ": " +
                                                  std::strerror(run.child.spawn_error));
  return run;
}

}  // namespace

std::optional<Credentials> credentials_from_helper(const std::string& helper,
                                                   const std::string& server) {
  // docker writes the bare name; the newline lets `read` in a shell-script helper succeed too,
  // and the helpers docker ships trim it.
  const HelperRun run = run_helper(helper, "get", server, server + "\n");
  if (run.not_found()) return std::nullopt;
  if (!run.child.exited_zero()) throw run.failure("get", server);
  const auto doc = nlohmann::json::parse(run.child.out, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("Secret") || !doc["Secret"].is_string())
    throw Error(ErrorKind::kCredentialHelper, "credential helper " + run.program +
                                                  " answered for " + server + " without a Secret");
  Credentials c;
  c.username = string_at(doc, "Username");
  if (c.username == kTokenUser) {
    c.username.clear();
    c.identity_token = doc["Secret"].get<std::string>();
  } else {
    c.password = doc["Secret"].get<std::string>();
  }
  return c;
}

void store_in_helper(const std::string& helper, const std::string& server,
                     const Credentials& credentials) {
  // The field order and the final newline are those of docker's JSON encoder.
  nlohmann::ordered_json doc = {
      {"ServerURL", server}, {"Username", credentials.username}, {"Secret", credentials.password}};
  if (!credentials.identity_token.empty()) {
    doc["Username"] = kTokenUser;
    doc["Secret"] = credentials.identity_token;
  }
  const HelperRun run = run_helper(helper, "store", server, doc.dump() + "\n");
  if (!run.child.exited_zero()) throw run.failure("store", server);
}

bool erase_from_helper(const std::string& helper, const std::string& server) {
  const HelperRun run = run_helper(helper, "erase", server, server + "\n");
  if (run.not_found()) return false;
  if (!run.child.exited_zero()) throw run.failure("erase", server);
  return true;
}

}  // namespace layerpush::engine
