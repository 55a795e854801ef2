#include "tools/layerpush/connection_flags.h"

#include "engine/image/reference.h"
#include "engine/util/error.h"

namespace layerpush::cli {

void add_connection_flags(CLI::App& command, ConnectionFlags& flags, const std::string& prefix) {
  const std::string p = "--" + prefix;
  flags.plain_http_option =
      command.add_flag(p + "plain-http", flags.plain_http,
                       "Use http:// (the default for localhost, 127.0.0.0/8 and ::1; " + p +
                           "plain-http=false insists on https)");
  command.add_option(p + "tls-verify", flags.tls_verify, "Verify the registry's certificate")
      ->capture_default_str();
  command.add_option(p + "ca-file", flags.ca_file, "Also trust this CA certificate (PEM)");
  command.add_option(p + "cert-file", flags.cert_file,
                     "Client certificate (PEM), with " + p + "key-file");
  command.add_option(p + "key-file", flags.key_file, "Client key (PEM), with " + p + "cert-file");
}

bool use_plain_http(const ConnectionFlags& flags, const std::string& registry) {
  const bool given = flags.plain_http_option && flags.plain_http_option->count() > 0;
  return given ? flags.plain_http : engine::is_loopback_registry(registry);
}

engine::TlsSettings tls_settings(const ConnectionFlags& flags, const std::string& registry) {
  if (flags.cert_file.empty() != flags.key_file.empty())
    throw engine::Error(engine::ErrorKind::kUsage, "--cert-file and --key-file go together");
  engine::TlsSettings tls{flags.tls_verify, {}, flags.cert_file, flags.key_file};
  if (!flags.ca_file.empty()) tls.ca_files.push_back(flags.ca_file);
  engine::add_docker_certs_d(tls, registry);
  return tls;
}

}  // namespace layerpush::cli
