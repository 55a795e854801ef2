#include "engine/http/blocking_connection.h"

namespace layerpush::engine {

BlockingConnection::BlockingConnection(const Origin& origin, SharedTlsContext& tls,
                                       Timeouts timeouts) {
  asio::ssl::context* context = origin.scheme == "https" ? &tls.get() : nullptr;
  connection_ = run(HttpConnection::open(origin, context, timeouts));
}

void BlockingConnection::run(asio::awaitable<void> operation) {
  std::exception_ptr failure;
  asio::co_spawn(ioc_, std::move(operation), [&](std::exception_ptr e) { failure = e; });
  drive(failure);
}

void BlockingConnection::drive(const std::exception_ptr& failure) {
  ioc_.restart();
  ioc_.run();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace layerpush::engine
