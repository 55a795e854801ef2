#include "engine/connection_pool.h"

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
  auto connection = co_await HttpConnection::open(origin, tls_, timeouts_);
  ++opened_;
  co_return Lease{std::move(connection), false};
}

void ConnectionPool::release(std::unique_ptr<HttpConnection> connection) {
  if (connection && connection->reusable())
    idle_[key(connection->origin())].push_back(std::move(connection));
}

}  // namespace layerpush::engine
