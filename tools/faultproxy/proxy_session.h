// One client connection of the fault proxy: reads requests one after another (keep-alive),
// asks the RuleBook what to do with each, and either answers itself or forwards the request to
// the registry over this session's own upstream connection, streaming both bodies. Logs every
// request when its exchange ends. Lives in one coroutine; not thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <optional>

#include "tools/faultproxy/decision.h"
#include "tools/faultproxy/local_reply.h"
#include "tools/faultproxy/proxy.h"
#include "tools/server_core/client_connection.h"

namespace layerpush::faultproxy {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using server_core::RequestParser;

class ProxySession {
 public:
  ProxySession(boost::asio::ip::tcp::socket client, Proxy& proxy, int listener);
  ProxySession(const ProxySession&) = delete;
  ProxySession& operator=(const ProxySession&) = delete;

  boost::asio::awaitable<void> run();

 private:
  // Each returns whether the client connection stays open for another request.
  boost::asio::awaitable<bool> handle(RequestParser& parser);
  boost::asio::awaitable<bool> answer(RequestParser& parser, Reply& reply, LogEntry& entry);
  boost::asio::awaitable<bool> forward(RequestParser& parser, const ForwardPlan& plan,
                                       LogEntry& entry);
  // After the request went upstream: relays the response back to the client.
  boost::asio::awaitable<bool> relay_response(RequestParser& parser, const ForwardPlan& plan,
                                              LogEntry& entry);

  boost::asio::awaitable<bool> connect_upstream();
  void close_upstream();
  // Just before an answer goes out, with the request's body read: notes whether the client
  // already sent its next request.
  void note_next_request();
  // RST rather than FIN: SO_LINGER 0, then close.
  void reset_client();
  std::string client_host(const RequestParser& parser) const;

  Proxy& proxy_;
  const int listener_;
  beast::tcp_stream client_;
  beast::flat_buffer client_buffer_;
  std::optional<beast::tcp_stream> upstream_;  // opened for the first forwarded request
  beast::flat_buffer upstream_buffer_;
  // The current request has "Expect: 100-continue" and we have not yet told the client to go on:
  // its body is not on the wire.
  bool continue_pending_ = false;
  const int connection_;  // for the log
  // The current request came before the answer to the one ahead of it went out.
  bool pipelined_ = false;
  // Bytes of the next request were waiting when an answer went out.
  bool next_request_waiting_ = false;
};

}  // namespace layerpush::faultproxy
