#include "tools/sink/sink_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tools/server_core/listener.h"
#include "tools/sink/connection.h"
#include "tools/sink/store.h"

namespace layerpush::sink {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::string_view kProgram = "layerpush-sink";  // in messages on stderr

// A free coroutine owning its connection, rather than a lambda capturing one: GCC 12 mishandles
// co_spawned lambdas with move-only captures.
asio::awaitable<void> serve(tcp::socket socket, Store& store, RequestLog* log) {
  Connection connection(std::move(socket), store, log);
  co_await connection.run();
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
  server_core::ignore_sigpipe();
  auto impl = std::make_unique<Impl>();
  if (!log_path_.empty()) impl->log = std::make_unique<RequestLog>(log_path_);
  impl->acceptor = server_core::open_listener(impl->context,
                                              tcp::endpoint(asio::ip::make_address(address), port));
  const tcp::endpoint local = impl->acceptor.local_endpoint();
  port_ = local.port();
  const std::string host = local.address().to_string();
  address_ = (local.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(port_);
  // Several threads run the context: each connection on its own strand.
  auto serve_one = [store = &impl->store, log = impl->log.get()](tcp::socket socket) {
    return serve(std::move(socket), *store, log);
  };
  asio::co_spawn(
      impl->context,
      server_core::accept_connections(impl->acceptor, server_core::ConnectionExecutor::kOwnStrand,
                                      serve_one, kProgram),
      [](std::exception_ptr failure) {
        server_core::report_failure(kProgram, "connection", failure);
      });
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
