// How to reach and log in to a registry, as every command that talks to one takes it (push,
// tag): plain HTTP or TLS, credentials given or left to the docker config, retries, timeouts.
// Plain data, safe to copy and share.
#pragma once

#include <optional>
#include <string>

#include "engine/auth/credentials.h"
#include "engine/http/http_connection.h"
#include "engine/http/tls_context.h"
#include "engine/registry/retry_policy.h"

namespace layerpush::engine {

struct RegistryOptions {
  bool plain_http = false;  // http:// instead of https://
  TlsSettings tls;          // verification, extra CAs, client certificate
  // A docker config file to take credentials from instead of $DOCKER_CONFIG/config.json or
  // ~/.docker/config.json.
  std::optional<std::string> authfile;
  // Given on the command line (--username, --password-stdin): used instead of the config file.
  std::optional<Credentials> credentials;
  RetrySettings retry;
  // How long one connect, read or write may make no progress before it counts as failed (and
  // is retried): a stalled registry or proxy.
  Timeouts timeouts;
};

}  // namespace layerpush::engine
