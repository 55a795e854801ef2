// The TLS client settings for registry connections: TLS 1.2 or newer, peers verified against the
// system's trust store plus any extra CA files, unless verification was turned off; optionally a
// client certificate. docker's per-registry folder /etc/docker/certs.d/HOST[:PORT]/ (*.crt CAs,
// client.cert with client.key) is honoured too.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <vector>

namespace layerpush::engine {

struct TlsSettings {
  bool verify = true;
  std::vector<std::string> ca_files;
  std::string cert_file;  // client certificate (PEM), with key_file
  std::string key_file;
};

// Adds what docker's certs.d folder holds for `registry` ("host:port"). The folder's root is
// /etc/docker/certs.d, or $LAYERPUSH_CERTS_D (tests use their own).
void add_docker_certs_d(TlsSettings& settings, const std::string& registry);

// Throws engine::Error(kInput) naming a file that cannot be loaded.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const TlsSettings& settings);

}  // namespace layerpush::engine
