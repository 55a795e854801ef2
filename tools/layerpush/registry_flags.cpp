#include "tools/layerpush/registry_flags.h"

#include <cstdio>
#include <iostream>

#include "engine/util/error.h"
#include "tools/layerpush/password_input.h"

namespace layerpush::cli {
using engine::Error;
using engine::ErrorKind;

void add_registry_flags(CLI::App& command, RegistryFlags& flags, const std::string& prefix) {
  const std::string p = "--" + prefix;
  add_retry_flags(command, flags, prefix);
  add_connection_flags(command, flags.connection, prefix);
  command.add_option(p + "authfile", flags.authfile,
                     "Docker config file with credentials (default $DOCKER_CONFIG/config.json, "
                     "then ~/.docker/config.json)");
  command.add_option(p + "username", flags.username,
                     "User name for the registry (with " + p + "password-stdin)");
  command.add_flag(p + "password-stdin", flags.password_stdin,
                   "Read the password from standard input");
  if (prefix.empty()) add_refused_password_option(command);
}

engine::Reference parse_reference_argument(const std::string& role, const std::string& text) {
  try {
    return engine::parse_reference(text);
  } catch (const engine::ReferenceError& e) {
    throw Error(ErrorKind::kUsage, role + " \"" + text + "\" is invalid: " + e.what());
  }
}

void apply_registry_flags(const RegistryFlags& flags, const std::string& registry,
                          engine::RegistryOptions& options) {
  apply_retry_flags(flags, options.retry, options.timeouts);
  options.plain_http = use_plain_http(flags.connection, registry);
  options.tls = tls_settings(flags.connection, registry);
  if (!flags.authfile.empty()) options.authfile = flags.authfile;
  if (flags.password_stdin && flags.username.empty())
    throw Error(ErrorKind::kUsage, "--password-stdin needs --username");
  if (!flags.username.empty()) {
    if (!flags.password_stdin)
      throw Error(ErrorKind::kUsage,
                  "--username needs --password-stdin (a password on the "
                  "command line would show in the process list)");
    options.credentials = engine::Credentials{flags.username, read_password_line(std::cin), "", ""};
  }
  if (!options.tls.verify)
    std::fprintf(stderr, "layerpush: warning: TLS certificates are not verified for %s\n",
                 registry.c_str());
}

}  // namespace layerpush::cli
