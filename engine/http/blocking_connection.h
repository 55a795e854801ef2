// HttpConnection for a caller on a worker thread that must block (a copy's source blob is read
// where it is hashed and handed to the pipe): the same connection set-up (resolve, connect,
// SNI, host-name verification) and the same per-phase deadlines as on the network thread,
// each operation run to its end on a private io_context. Only asynchronous operations honour
// deadlines: a blocking read would wait for a stalled server for ever. One caller at a time;
// instances on different threads are independent.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <memory>
#include <optional>

#include "engine/http/http_connection.h"
#include "engine/http/tls_context.h"

namespace layerpush::engine {

class BlockingConnection {
 public:
  // Connects (and for https handshakes) at once; throws as HttpConnection::open does.
  BlockingConnection(const Origin& origin, SharedTlsContext& tls, Timeouts timeouts);
  BlockingConnection(const BlockingConnection&) = delete;
  BlockingConnection& operator=(const BlockingConnection&) = delete;

  HttpConnection* operator->() { return connection_.get(); }

  // Runs one of HttpConnection's operations to its end; rethrows what it threw.
  template <class T>
  T run(asio::awaitable<T> operation) {
    std::exception_ptr failure;
    std::optional<T> result;
    asio::co_spawn(ioc_, std::move(operation), [&](std::exception_ptr e, T value) {
      failure = e;
      if (!e) result = std::move(value);
    });
    drive(failure);
    return std::move(*result);
  }
  void run(asio::awaitable<void> operation);

 private:
  void drive(const std::exception_ptr& failure);

  // Members go in reverse order: the connection before the context its sockets belong to.
  asio::io_context ioc_{1};
  std::unique_ptr<HttpConnection> connection_;
};

}  // namespace layerpush::engine
