#include "tools/sink/sink_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <iostream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tools/sink/connection.h"
#include "tools/sink/store.h"

namespace layerpush::sink {
namespace asio = boost::asio;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

// A free coroutine owning its connection, rather than a lambda capturing one: GCC 12 mishandles
// co_spawned lambdas with move-only captures.
asio::awaitable<void> serve(tcp::socket socket, Store& store, RequestLog* log) {
  Connection connection(std::move(socket), store, log);
  co_await connection.run();
}

void report_failure(std::exception_ptr failure) {
  if (!failure) return;
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    std::cerr << "layerpush-sink: connection failed: " << e.what() << std::endl;
  }
}

asio::awaitable<void> accept_connections(tcp::acceptor& acceptor, Store& store, RequestLog* log) {
  auto& context = static_cast<asio::io_context&>(acceptor.get_executor().context());
  for (;;) {
    boost::system::error_code ec;
    // Each connection on its own strand: with several threads its operations never overlap.
    tcp::socket socket = co_await acceptor.async_accept(asio::make_strand(context),
                                                        asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors and the like: say so, and give connections a moment to end.
      std::cerr << "layerpush-sink: accept: " << ec.message() << std::endl;
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(use_awaitable);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);  // best effort: only latency depends on it
    const auto executor = socket.get_executor();
    asio::co_spawn(executor, serve(std::move(socket), store, log), report_failure);
  }
}

}  // namespace

// Destroyed in reverse order: the acceptor, then the io_context (with any connection coroutines
// still suspended in it, which refer to the store and the log and close their sockets), then the
// store and the log.
struct SinkServer::Impl {
  std::unique_ptr<RequestLog> log;  // may be null
  Store store;
  asio::io_context context;
  tcp::acceptor acceptor{context};
  std::vector<std::thread> threads;
};

SinkServer::SinkServer() = default;

SinkServer::~SinkServer() { stop(); }

void SinkServer::start(const std::string& address, std::uint16_t port, int threads) {
  if (impl_) throw std::logic_error("SinkServer::start called while running");
  if (threads < 1) throw std::invalid_argument("the sink needs at least one thread");
  // Asio sends with MSG_NOSIGNAL, but a write to a client that reset must never kill us.
  std::signal(SIGPIPE, SIG_IGN);
  auto impl = std::make_unique<Impl>();
  if (!log_path_.empty()) impl->log = std::make_unique<RequestLog>(log_path_);
  const tcp::endpoint endpoint(asio::ip::make_address(address), port);
  impl->acceptor.open(endpoint.protocol());
  impl->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl->acceptor.bind(endpoint);
  impl->acceptor.listen(asio::socket_base::max_listen_connections);
  const tcp::endpoint local = impl->acceptor.local_endpoint();
  port_ = local.port();
  const std::string host = local.address().to_string();
  address_ = (local.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(port_);
  asio::co_spawn(impl->context, accept_connections(impl->acceptor, impl->store, impl->log.get()),
                 report_failure);
  for (int i = 0; i < threads; ++i)
    impl->threads.emplace_back([context = &impl->context] { context->run(); });
  impl_ = std::move(impl);
}

void SinkServer::log_requests_to(const std::string& path) { log_path_ = path; }

void SinkServer::stop() {
  if (!impl_) return;
  impl_->context.stop();
  for (auto& thread : impl_->threads) thread.join();
  final_counters_ = impl_->store.counters().snapshot();
  impl_.reset();
}

std::uint16_t SinkServer::port() const { return port_; }

std::string SinkServer::address() const { return address_; }

Counters SinkServer::counters() const {
  return impl_ ? impl_->store.counters().snapshot() : final_counters_;
}

}  // namespace layerpush::sink
