// docker's credential helpers, run as docker-credential-NAME (searched in PATH) with one action
// as the only argument and everything else on standard input, so a secret is never in an
// argument list or an environment:
//   get    SERVER                                     -> {"ServerURL","Username","Secret"}
//   store  {"ServerURL":S,"Username":U,"Secret":P}    -> nothing
//   erase  SERVER                                     -> nothing
// A failing action exits non-zero with its reason on standard output; "credentials not found"
// there means there was nothing for that server. A Username of "<token>" marks the Secret as an
// identity token, both ways. A helper's output is never put in a message (it may hold the
// secret); the messages name the helper and the server. Blocking; safe from any thread.
#pragma once

#include <optional>
#include <string>

#include "engine/auth/credentials.h"
#include "engine/util/json_fields.h"

namespace layerpush::engine {

// The helper docker would use for `registry` under a parsed config file: credHelpers[registry]
// (also under docker's key for it, "https://index.docker.io/v1/" for Docker Hub), else
// credsStore; "" when the file names none.
template <class Json>
std::string credential_helper_for(const Json& config, const std::string& registry) {
  if (auto helpers = config.find("credHelpers"); helpers != config.end() && helpers->is_object()) {
    for (const std::string& key : {registry, docker_config_key(registry)})
      if (std::string helper = string_at(*helpers, key.c_str()); !helper.empty()) return helper;
  }
  return string_at(config, "credsStore");
}

// Each throws engine::Error(kCredentialHelper) when the helper cannot be run, fails, or (get)
// answers something that is not its JSON.
std::optional<Credentials> credentials_from_helper(const std::string& helper,
                                                   const std::string& server);
void store_in_helper(const std::string& helper, const std::string& server,
                     const Credentials& credentials);
// false when the helper had no credentials for `server`.
bool erase_from_helper(const std::string& helper, const std::string& server);

}  // namespace layerpush::engine
