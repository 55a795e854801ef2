// The upstream half of ProxySession: the request goes to the registry with its body streamed
// (stopping for reset_after_bytes), and the response comes back streamed (stopping for
// reset_response_after_bytes), with the changes a rule asks for and Location kept pointing at
// the proxy.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <iostream>

#include "tools/faultproxy/proxy_session.h"
#include "tools/faultproxy/relay.h"

namespace layerpush::faultproxy {
namespace asio = boost::asio;
using asio::use_awaitable;

namespace {
constexpr auto kConnectTimeout = std::chrono::seconds(10);
}  // namespace

asio::awaitable<bool> ProxySession::connect_upstream() {
  upstream_.emplace(client_.get_executor());
  upstream_buffer_.clear();
  upstream_->expires_after(kConnectTimeout);
  beast::error_code ec;
  co_await upstream_->async_connect(proxy_.upstream, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    std::cerr << "layerpush-faultproxy: cannot connect to " << proxy_.upstream_host << ": "
              << ec.message() << std::endl;
    upstream_.reset();
    co_return false;
  }
  upstream_->socket().set_option(asio::ip::tcp::no_delay(true), ec);  // best effort
  co_return true;
}

void ProxySession::close_upstream() {
  if (upstream_) upstream_->close();
  upstream_.reset();
}

asio::awaitable<bool> ProxySession::forward(RequestParser& parser, const ForwardPlan& plan,
                                            LogEntry& entry) {
  auto& request = parser.get();
  strip_hop_by_hop(request);
  // We tell the client to go on ourselves (below), so the registry never sees the Expect.
  request.erase(http::field::expect);
  request.version(11);
  if (plan.set_header) request.set(plan.set_header->name, plan.set_header->value);

  bool connected = upstream_.has_value();
  if (!connected) connected = co_await connect_upstream();
  beast::error_code ec;
  http::request_serializer<http::buffer_body> serializer{request};
  if (connected) {
    upstream_->expires_after(kIoTimeout);
    co_await http::async_write_header(*upstream_, serializer,
                                      asio::redirect_error(use_awaitable, ec));
  }
  if (!connected || ec) {
    close_upstream();
    entry.action = "upstream_error";
    Reply failure = error_reply(502, "UNAVAILABLE", "the fault proxy cannot reach the registry");
    co_return co_await answer(parser, failure, entry);
  }
  if (continue_pending_) {
    http::response<http::empty_body> go_on{http::status::continue_, 11};
    client_.expires_after(kIoTimeout);
    co_await http::async_write(client_, go_on, asio::redirect_error(use_awaitable, ec));
    continue_pending_ = false;
    if (ec) {
      close_upstream();
      entry.action = "client_closed";
      proxy_.log.write(entry);
      co_return false;
    }
  }

  const Relayed sent = co_await relay_body(client_, client_buffer_, parser, *upstream_, serializer,
                                           plan.reset_after);
  entry.body_bytes = sent.bytes;
  if (sent.stopped) {
    entry.action = "reset";
    reset_client();
    close_upstream();
    proxy_.log.write(entry);
    co_return false;
  }
  if (sent.read_error) {
    entry.action = "client_closed";
    close_upstream();
    proxy_.log.write(entry);
    co_return false;
  }
  // A write error is not the end yet: a registry may answer before reading the whole body (a
  // 401, say) and then close, as Go's server does with an unread body over 256 KiB. That answer,
  // waiting in our receive buffer, is what the client must get, not a 502.
  co_return co_await relay_response(parser, plan, entry);
}

asio::awaitable<bool> ProxySession::relay_response(RequestParser& parser, const ForwardPlan& plan,
                                                   LogEntry& entry) {
  http::response_parser<http::buffer_body> reader;
  reader.body_limit(boost::none);
  reader.skip(parser.get().method() == http::verb::head);  // a HEAD response has no body
  beast::error_code ec;
  upstream_->expires_after(kIoTimeout);
  co_await http::async_read_header(*upstream_, upstream_buffer_, reader,
                                   asio::redirect_error(use_awaitable, ec));
  if (ec) {
    close_upstream();
    entry.action = "upstream_error";
    Reply failure = error_reply(502, "UNAVAILABLE", "no response from the registry");
    co_return co_await answer(parser, failure, entry);
  }

  auto& response = reader.get();
  const bool upstream_keep = reader.keep_alive();
  const int upstream_status = response.result_int();
  strip_hop_by_hop(response);
  if (auto location = response.find(http::field::location); location != response.end())
    response.set(http::field::location,
                 rewrite_location(std::string(location->value()), proxy_.upstream_host,
                                  client_host(parser)));
  if (plan.rewrite && upstream_status == plan.rewrite->from) {
    response.result(static_cast<unsigned>(plan.rewrite->to));
    entry.action = "rewrite_status";
  }
  if (plan.chunk_min) {
    response.set("OCI-Chunk-Min-Length", std::to_string(*plan.chunk_min));
    entry.action = "min_chunk";
  }
  // A body that ends only when the registry closes can end only by our closing, too; and a
  // request body the registry did not take leaves the client connection mid-message.
  const bool keep = parser.keep_alive() && !reader.need_eof() && parser.is_done();
  response.keep_alive(keep);

  http::response_serializer<http::buffer_body> serializer{response};
  if (parser.is_done()) note_next_request();
  client_.expires_after(kIoTimeout);
  co_await http::async_write_header(client_, serializer, asio::redirect_error(use_awaitable, ec));
  if (ec) {
    entry.action = "client_closed";
    close_upstream();
    proxy_.log.write(entry);
    co_return false;
  }
  entry.status = response.result_int();
  const Relayed back = co_await relay_body(*upstream_, upstream_buffer_, reader, client_,
                                           serializer, plan.reset_response_after);
  entry.response_bytes = back.bytes;
  // Cut only mid-body: a body that ended exactly at the limit went out whole.
  if (back.stopped && !reader.is_done()) {
    entry.action = "reset_response";
    reset_client();
    close_upstream();
    proxy_.log.write(entry);
    co_return false;
  }
  if (back.read_error || back.write_error) {
    entry.action = back.read_error ? "upstream_error" : "client_closed";
    close_upstream();
    proxy_.log.write(entry);
    co_return false;
  }
  // After a request cut short the upstream connection is mid-message too.
  if (!upstream_keep || !parser.is_done()) close_upstream();
  if (plan.chunk_rule && upstream_status / 100 == 2)
    proxy_.rules.note_chunk(*plan.chunk_rule, path_of(entry.target), entry.body_bytes);
  proxy_.log.write(entry);
  co_return keep;
}

}  // namespace layerpush::faultproxy
