#include "tools/server_core/listener.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <csignal>
#include <iostream>

namespace layerpush::server_core {
namespace asio = boost::asio;
using asio::use_awaitable;
using asio::ip::tcp;

void ignore_sigpipe() { std::signal(SIGPIPE, SIG_IGN); }

tcp::acceptor open_listener(asio::io_context& context, const tcp::endpoint& endpoint) {
  tcp::acceptor acceptor(context);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  return acceptor;
}

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor, ConnectionExecutor where,
                                         ServeConnection serve, std::string_view program) {
  auto& context = static_cast<asio::io_context&>(acceptor.get_executor().context());
  for (;;) {
    const asio::any_io_executor executor = where == ConnectionExecutor::kOwnStrand
                                               ? asio::any_io_executor(asio::make_strand(context))
                                               : acceptor.get_executor();
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(executor, asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors and the like: say so, and give connections a moment to end.
      std::cerr << program << ": accept: " << ec.message() << std::endl;
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_awaitable);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);  // best effort: only latency depends on it
    asio::co_spawn(executor, serve(std::move(socket)), [program](std::exception_ptr failure) {
      report_failure(program, "connection", failure);
    });
  }
}

void report_failure(std::string_view program, std::string_view what, std::exception_ptr failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    std::cerr << program << ": " << what << " failed: " << e.what() << std::endl;
  }
}

}  // namespace layerpush::server_core
