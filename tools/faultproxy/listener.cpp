#include "tools/faultproxy/listener.h"

#include "tools/faultproxy/delay_line.h"
#include "tools/faultproxy/proxy_session.h"
#include "tools/server_core/listener.h"

namespace layerpush::faultproxy {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// A free coroutine owning its session, rather than a lambda capturing one: GCC 12 mishandles
// co_spawned lambdas with move-only captures.
asio::awaitable<void> serve(tcp::socket socket, Proxy& proxy, int listener) {
  if (proxy.latency.count() > 0) socket = co_await delay_line(std::move(socket), proxy.latency);
  ProxySession session(std::move(socket), proxy, listener);
  co_await session.run();
}

}  // namespace

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor, Proxy& proxy, int listener) {
  // One thread runs everything: sessions stay on the acceptor's executor, no strands.
  return server_core::accept_connections(
      acceptor, server_core::ConnectionExecutor::kAcceptors,
      [&proxy, listener](tcp::socket socket) { return serve(std::move(socket), proxy, listener); },
      "layerpush-faultproxy");
}

}  // namespace layerpush::faultproxy
