// The piece loop follows Beast's http_relay example: the parser fills a buffer_body, then the
// serializer of the same message writes that piece, need_buffer meaning "give me the next one".
#include "tools/faultproxy/relay.h"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <vector>

namespace layerpush::faultproxy {
namespace {

namespace asio = boost::asio;
using asio::use_awaitable;

// The most one piece holds. Beast reads at most 64 KiB from the socket at a time, and each read
// is forwarded at once, so a larger piece would only sit unused.
constexpr std::size_t kPieceSize = 64 * 1024;

// A deadline per read and write arms and cancels a timerfd each time, which took most of the
// proxy's CPU when streaming (perf, a 400 MB PUT). Bodies therefore stream without deadlines:
// only the header phases have them, and a test's own timeout bounds a peer stalled mid-body.
void no_deadlines(beast::tcp_stream& a, beast::tcp_stream& b) {
  a.expires_never();
  b.expires_never();
}

}  // namespace

template <bool isRequest>
asio::awaitable<Relayed> relay_body(beast::tcp_stream& from, beast::flat_buffer& buffer,
                                    http::parser<isRequest, http::buffer_body>& parser,
                                    beast::tcp_stream& to,
                                    http::serializer<isRequest, http::buffer_body>& serializer,
                                    std::optional<std::uint64_t> stop_after) {
  Relayed result;
  std::vector<char> piece(kPieceSize);
  auto& body = parser.get().body();
  beast::error_code ec;
  no_deadlines(from, to);
  do {
    if (stop_after && result.bytes >= *stop_after) {
      result.stopped = true;
      co_return result;
    }
    if (!parser.is_done()) {
      std::size_t room = piece.size();
      if (stop_after)
        room = static_cast<std::size_t>(std::min<std::uint64_t>(room, *stop_after - result.bytes));
      body.data = piece.data();
      body.size = room;
      // read_some, not read: forward what has arrived instead of waiting for a full piece.
      co_await http::async_read_some(from, buffer, parser, asio::redirect_error(use_awaitable, ec));
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        result.read_error = ec;
        co_return result;
      }
      body.size = room - body.size;  // what the parser put there
      // Only framing arrived (a chunk header): nothing to write, and an empty piece must not
      // reach the serializer, which could take it for the end of a chunked body.
      if (body.size == 0 && !parser.is_done()) continue;
      body.data = piece.data();
      body.more = !parser.is_done();
      result.bytes += body.size;
    } else {
      body.data = nullptr;  // the message ended with the header or the last piece: finish it
      body.size = 0;
      body.more = false;
    }
    co_await http::async_write(to, serializer, asio::redirect_error(use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      result.write_error = ec;
      co_return result;
    }
  } while (!parser.is_done() && !serializer.is_done());
  if (stop_after && result.bytes >= *stop_after) result.stopped = true;
  co_return result;
}

template asio::awaitable<Relayed> relay_body<true>(beast::tcp_stream&, beast::flat_buffer&,
                                                   http::parser<true, http::buffer_body>&,
                                                   beast::tcp_stream&,
                                                   http::serializer<true, http::buffer_body>&,
                                                   std::optional<std::uint64_t>);
template asio::awaitable<Relayed> relay_body<false>(beast::tcp_stream&, beast::flat_buffer&,
                                                    http::parser<false, http::buffer_body>&,
                                                    beast::tcp_stream&,
                                                    http::serializer<false, http::buffer_body>&,
                                                    std::optional<std::uint64_t>);

asio::awaitable<Relayed> discard_body(beast::tcp_stream& from, beast::flat_buffer& buffer,
                                      http::request_parser<http::buffer_body>& parser) {
  Relayed result;
  std::vector<char> piece(kPieceSize);
  auto& body = parser.get().body();
  beast::error_code ec;
  no_deadlines(from, from);
  while (!parser.is_done()) {
    body.data = piece.data();
    body.size = piece.size();
    co_await http::async_read(from, buffer, parser, asio::redirect_error(use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      result.read_error = ec;
      co_return result;
    }
    result.bytes += piece.size() - body.size;
  }
  co_return result;
}

void strip_hop_by_hop(http::fields& fields) {
  // Fields the Connection header names are hop-by-hop too ("Connection: close, X-Foo").
  const std::string connection(fields[http::field::connection]);
  for (const auto& token : http::token_list(connection))
    if (!boost::iequals(token, "close") && !boost::iequals(token, "keep-alive"))
      fields.erase(token);
  for (auto field :
       {http::field::connection, http::field::keep_alive, http::field::proxy_connection,
        http::field::proxy_authenticate, http::field::proxy_authorization, http::field::te,
        http::field::trailer, http::field::upgrade})
    fields.erase(field);
}

std::string rewrite_location(const std::string& location, const std::string& upstream_host,
                             const std::string& client_host) {
  const std::string origin = "http://" + upstream_host;
  if (!location.starts_with(origin)) return location;
  // "http://127.0.0.1:5000" must not match "http://127.0.0.1:50001/...".
  const std::string rest = location.substr(origin.size());
  if (!rest.empty() && rest[0] != '/' && rest[0] != '?') return location;
  return "http://" + client_host + rest;
}

}  // namespace layerpush::faultproxy
