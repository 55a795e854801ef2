// The options every command that talks to a registry shares: --plain-http, --tls-verify,
// --ca-file, --cert-file and --key-file, registered once here and turned into the engine's
// settings in one place (with docker's certs.d folder for the registry added).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "engine/http/tls_context.h"

namespace layerpush::cli {

struct ConnectionFlags {
  bool plain_http = false;
  CLI::Option* plain_http_option = nullptr;  // to tell "not given" from --plain-http=false
  bool tls_verify = true;
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

// With a `prefix` ("src-"), the options are named --src-plain-http, --src-tls-verify, ...
void add_connection_flags(CLI::App& command, ConnectionFlags& flags, const std::string& prefix = "");

// http:// as asked, else automatically for loopback registries as docker does.
bool use_plain_http(const ConnectionFlags& flags, const std::string& registry);
// Throws engine::Error(kUsage) for a client certificate without its key or the reverse.
engine::TlsSettings tls_settings(const ConnectionFlags& flags, const std::string& registry);

}  // namespace layerpush::cli
