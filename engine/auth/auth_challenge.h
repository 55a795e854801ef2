// Parses a registry's WWW-Authenticate header: `Basic realm="…"` or
// `Bearer realm="…",service="…",scope="…"[,error="…"]`. Quoted values may hold escaped quotes,
// and one scope value may hold several scopes separated by spaces. Pure; safe from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace layerpush::engine {

struct AuthChallenge {
  std::string scheme;                        // "basic" or "bearer", lowercased
  std::map<std::string, std::string> params;  // keys lowercased: realm, service, scope, error

  std::string param(const std::string& key) const;
  // The scope parameter split on spaces ("repository:a:pull repository:b:pull,push").
  std::vector<std::string> scopes() const;
};

// The first challenge in the header; nullopt when it cannot be parsed.
std::optional<AuthChallenge> parse_auth_challenge(std::string_view header);

}  // namespace layerpush::engine
