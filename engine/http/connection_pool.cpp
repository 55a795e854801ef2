#include "engine/http/connection_pool.h"

#include "engine/http/tls_context.h"

namespace layerpush::engine {

asio::awaitable<ConnectionPool::Lease> ConnectionPool::acquire(const Origin& origin) {
  auto& idle = idle_[key(origin)];
  if (!idle.empty()) {
    Lease lease{std::move(idle.back()), true};
    idle.pop_back();
    co_return lease;
  }
  co_return co_await acquire_fresh(origin);
}

asio::awaitable<ConnectionPool::Lease> ConnectionPool::acquire_fresh(const Origin& origin) {
  asio::ssl::context* context = origin.scheme == "https" ? tls() : nullptr;
  auto connection = co_await HttpConnection::open(origin, context, timeouts_);
  ++opened_;
  co_return Lease{std::move(connection), false};
}

asio::ssl::context* ConnectionPool::tls() {
  if (!tls_) tls_ = make_tls_context(tls_settings_);
  return tls_.get();
}

void ConnectionPool::release(std::unique_ptr<HttpConnection> connection) {
  if (connection && connection->reusable())
    idle_[key(connection->origin())].push_back(std::move(connection));
}

}  // namespace layerpush::engine
