#include "tools/faultproxy/listener.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <iostream>

#include "tools/faultproxy/delay_line.h"
#include "tools/faultproxy/proxy_session.h"

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

void report_failure(std::exception_ptr failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    std::cerr << "layerpush-faultproxy: connection failed: " << e.what() << std::endl;
  }
}

}  // namespace

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor, Proxy& proxy, int listener) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors and the like: say so, and give connections a moment to end.
      std::cerr << "layerpush-faultproxy: accept: " << ec.message() << std::endl;
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::use_awaitable);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);  // best effort: only latency depends on it
    asio::co_spawn(acceptor.get_executor(), serve(std::move(socket), proxy, listener),
                   report_failure);
  }
}

}  // namespace layerpush::faultproxy
