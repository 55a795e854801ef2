// The options every command that works on a registry repository shares (push, tag, copy): the
// connection flags, --authfile, --username with --password-stdin, --retries and --timeout,
// registered once here and turned into engine::RegistryOptions in one place.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "engine/image/reference.h"
#include "engine/registry/registry_options.h"
#include "tools/layerpush/connection_flags.h"
#include "tools/layerpush/retry_flags.h"

namespace layerpush::cli {

struct RegistryFlags : RetryFlags {
  ConnectionFlags connection;
  std::string authfile;
  std::string username;
  bool password_stdin = false;
};

// With a `prefix` ("src-" for copy's source) every option is named --PREFIXNAME
// (--src-authfile, --src-tls-verify, ...) and -p/--password is not refused a second time.
void add_registry_flags(CLI::App& command, RegistryFlags& flags, const std::string& prefix = "");

// Parses the image reference argument `role` ("destination", "reference"); a bad one is
// engine::Error(kUsage): `destination "X" is invalid: tag is 129 characters; the limit is 128`.
engine::Reference parse_reference_argument(const std::string& role, const std::string& text);

// Fills the RegistryOptions part of `options` for `registry` ("localhost:5000"). Reads the
// password from standard input when --password-stdin asks; warns on stderr when certificates
// go unverified. Throws engine::Error(kUsage) for a value out of range or a flag without its
// partner.
void apply_registry_flags(const RegistryFlags& flags, const std::string& registry,
                          engine::RegistryOptions& options);

}  // namespace layerpush::cli
