// The TLS client settings for registry connections: TLS 1.2 or newer, peers verified against the
// system's trust store plus any extra CA files, unless verification was turned off; optionally a
// client certificate. docker's per-registry folder /etc/docker/certs.d/HOST[:PORT]/ (*.crt CAs,
// client.cert with client.key) is honoured too.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <mutex>
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

// One TLS context for many connections on many threads (OpenSSL lets them share an SSL_CTX),
// made on first use: loading the trust store costs tens of milliseconds of CPU, which a
// plain-HTTP transfer should not pay and a transfer of many blobs should pay once.
class SharedTlsContext {
 public:
  explicit SharedTlsContext(TlsSettings settings) : settings_(std::move(settings)) {}
  // Thread-safe. Throws as make_tls_context does (and again on the next call).
  boost::asio::ssl::context& get();

 private:
  TlsSettings settings_;
  std::mutex mutex_;
  std::unique_ptr<boost::asio::ssl::context> context_;  // guarded by mutex_
};

}  // namespace layerpush::engine
