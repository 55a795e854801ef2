// `layerpush login` and `logout`: checking credentials against a registry, and keeping them in
// docker's config file the way `docker login` does (an `auths` entry with base64 user:password;
// the file written whole to a temporary file, mode 0600, then renamed over the old one).
#pragma once

#include <optional>
#include <string>

#include "engine/credentials.h"
#include "engine/tls_context.h"

namespace layerpush::engine {

// Throws engine::Error(kRegistry) when the registry refuses the credentials, kTransport when it
// cannot be reached.
void verify_login(const std::string& registry, const Credentials& credentials, bool plain_http,
                  const TlsSettings& tls);

// Writes or removes the registry's entry in the config file at `path`, keeping every other key.
// remove returns false when there was no entry. Throws engine::Error(kInput) for a file that is
// not JSON or cannot be written.
void save_login(const std::string& path, const std::string& registry, const Credentials& credentials);
bool remove_login(const std::string& path, const std::string& registry);

}  // namespace layerpush::engine
