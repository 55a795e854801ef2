// The request loop of one client connection and the choice of what to do with each request;
// the upstream half (forwarding and relaying the response) is in session_forward.cpp.
#include "tools/faultproxy/proxy_session.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <vector>

#include "tools/faultproxy/relay.h"
#include "tools/server_core/client_connection.h"

namespace layerpush::faultproxy {
namespace asio = boost::asio;
using asio::use_awaitable;

namespace {
asio::awaitable<void> sleep_for(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(use_awaitable);
}
}  // namespace

ProxySession::ProxySession(asio::ip::tcp::socket client, Proxy& proxy, int listener)
    : proxy_(proxy),
      listener_(listener),
      client_(std::move(client)),
      connection_(proxy.connections++) {
  // Both directions stream bodies through these (server_core says why the size matters).
  client_buffer_.reserve(server_core::kReadBufferSize);
  upstream_buffer_.reserve(server_core::kReadBufferSize);
}

asio::awaitable<void> ProxySession::run() {
  for (;;) {
    RequestParser parser;
    beast::error_code ec;
    const std::size_t buffered = client_buffer_.size();
    const std::size_t header_bytes = co_await server_core::async_read_request_header(
        client_, client_buffer_, parser, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return;  // closed between requests, or not HTTP: nothing to answer or log
    // Sent before the answer to the request ahead went out: read with that one, or waiting in
    // the socket when its answer went out.
    pipelined_ = header_bytes <= buffered || next_request_waiting_;
    next_request_waiting_ = false;
    const bool keep = co_await handle(parser);
    if (!keep) break;
  }
  if (client_.socket().is_open()) {
    std::vector<char> scratch(16 * 1024);  // what the client still sends is dropped here
    co_await server_core::close_gracefully(client_, asio::buffer(scratch));
  }
}

asio::awaitable<bool> ProxySession::handle(RequestParser& parser) {
  const auto& request = parser.get();
  LogEntry entry;
  entry.listener = listener_;
  entry.connection = connection_;
  entry.pipelined = pipelined_;
  entry.method = std::string(request.method_string());
  entry.target = std::string(request.target());
  entry.authorization = request.find(http::field::authorization) != request.end();
  if (auto length = parser.content_length()) entry.content_length = *length;
  if (auto range = request.find(http::field::range); range != request.end())
    entry.range = std::string(range->value());
  continue_pending_ = server_core::expects_continue(parser);

  const RequestFacts facts{entry.method, entry.target, listener_};
  const auto choice = proxy_.rules.choose(facts);
  Decision decision;
  if (choice) {
    entry.rule = choice->index;
    decision = decide(*choice, proxy_.rules, proxy_.listener_hosts, entry);
  }
  if (decision.stall.count() > 0) co_await sleep_for(decision.stall);
  if (decision.reply) co_return co_await answer(parser, *decision.reply, entry);
  co_return co_await forward(parser, decision.plan, entry);
}

asio::awaitable<bool> ProxySession::answer(RequestParser& parser, Reply& reply, LogEntry& entry) {
  bool keep = parser.keep_alive();
  if (!parser.is_done() && continue_pending_) {
    // The client holds its body back until it hears 100 Continue, which it won't: a final
    // status now and closing afterwards is how RFC 9110 (10.1.1) lets a server decline a body.
    keep = false;
  } else if (!parser.is_done()) {
    const Relayed dropped = co_await discard_body(client_, client_buffer_, parser);
    entry.body_bytes += dropped.bytes;
    if (dropped.read_error) {
      entry.action = "client_closed";
      proxy_.log.write(entry);
      co_return false;
    }
  }
  reply.keep_alive(keep);
  if (parser.is_done()) note_next_request();
  // HEAD: Content-Length says what a GET would carry, and no body follows.
  if (parser.get().method() == http::verb::head) reply.body().clear();
  client_.expires_after(kIoTimeout);
  beast::error_code ec;
  co_await http::async_write(client_, reply, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    entry.action = "client_closed";
    proxy_.log.write(entry);
    co_return false;
  }
  entry.status = reply.result_int();
  proxy_.log.write(entry);
  co_return keep;
}

void ProxySession::note_next_request() {
  beast::error_code ignored;  // a broken socket has nothing waiting
  if (client_buffer_.size() + client_.socket().available(ignored) > 0) next_request_waiting_ = true;
}

void ProxySession::reset_client() {
  beast::error_code ignored;  // the socket may already be broken; we are closing it anyway
  client_.socket().set_option(asio::socket_base::linger(true, 0), ignored);
  client_.close();
}

std::string ProxySession::client_host(const RequestParser& parser) const {
  const auto host = parser.get()[http::field::host];
  if (!host.empty()) return std::string(host);
  return proxy_.listener_hosts.at(static_cast<std::size_t>(listener_));
}

}  // namespace layerpush::faultproxy
