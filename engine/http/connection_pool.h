// Keep-alive connections, pooled per origin, so that a push of many blobs pays for TCP and TLS
// set-up once per concurrent upload rather than once per request. Lives on the network thread;
// not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/http/http_connection.h"
#include "engine/http/tls_context.h"

namespace layerpush::engine {

class ConnectionPool {
 public:
  ConnectionPool(TlsSettings tls, Timeouts timeouts)
      : tls_settings_(std::move(tls)), timeouts_(timeouts) {}

  struct Lease {
    std::unique_ptr<HttpConnection> connection;
    bool reused = false;  // came from the pool: it may have been closed by the peer meanwhile
  };
  // An idle connection to `origin` if there is one, else a new one.
  asio::awaitable<Lease> acquire(const Origin& origin);
  asio::awaitable<Lease> acquire_fresh(const Origin& origin);
  // Gives a connection back; it is kept only if it can carry another request.
  void release(std::unique_ptr<HttpConnection> connection);

  std::uint64_t connections_opened() const { return opened_; }

 private:
  static std::string key(const Origin& o) { return o.scheme + "://" + o.host + ":" + o.port; }
  // Made on the first https connection: loading the system's trust store costs tens of
  // milliseconds of CPU that a plain-HTTP push should not pay.
  asio::ssl::context* tls();
  TlsSettings tls_settings_;
  std::unique_ptr<asio::ssl::context> tls_;
  Timeouts timeouts_;
  std::map<std::string, std::vector<std::unique_ptr<HttpConnection>>> idle_;
  std::uint64_t opened_ = 0;
};

}  // namespace layerpush::engine
