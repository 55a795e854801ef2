// `layerpush login` and `logout`: checking credentials against a registry, and keeping them the
// way `docker login` does. When the config file names a credential helper for the registry
// (credHelpers, else credsStore) the helper keeps the secret and the file gets an empty
// `auths` entry; otherwise the entry holds base64 user:password. The file is written whole to a
// temporary file, mode 0600, then renamed over the old one. Blocking; one call at a time.
#pragma once

#include <optional>
#include <string>

#include "engine/auth/credentials.h"
#include "engine/http/tls_context.h"

namespace layerpush::engine {

// Throws engine::Error(kRegistry) when the registry refuses the credentials, kTransport when it
// cannot be reached.
void verify_login(const std::string& registry, const Credentials& credentials, bool plain_http,
                  const TlsSettings& tls);

// Stores or removes the registry's credentials through its helper, if any, and writes or removes
// its entry in the config file at `path`, keeping every other key. save returns the helper
// program that keeps the secret ("" when the file does); remove returns false when neither the
// helper nor the file had credentials for the registry. Throws engine::Error(kInput) for a file
// that is not JSON or cannot be written, and kCredentialHelper (the file then unchanged) when the
// helper fails.
std::string save_login(const std::string& path, const std::string& registry,
                       const Credentials& credentials);
bool remove_login(const std::string& path, const std::string& registry);

}  // namespace layerpush::engine
