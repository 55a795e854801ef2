// docker's credential helpers: `docker-credential-NAME get` reads a server address on stdin and
// answers {"ServerURL","Username","Secret"} on stdout; "credentials not found" (exit status
// non-zero) means anonymous access. A Username of "<token>" marks Secret as an identity token.
#pragma once

#include <optional>
#include <string>

#include "engine/credentials.h"

namespace layerpush::engine {

// Runs docker-credential-`helper` (searched in PATH) for `server`. Throws engine::Error(kInput)
// when the helper cannot be run or answers something that is not its JSON; its output, which
// may hold the secret, is never put in a message.
std::optional<Credentials> credentials_from_helper(const std::string& helper,
                                                   const std::string& server);

}  // namespace layerpush::engine
