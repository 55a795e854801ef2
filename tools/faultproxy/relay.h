// Streaming HTTP bodies through the fault proxy piece by piece (never a whole body in memory),
// and the header hygiene a proxy owes both sides. Each call works on the streams it is given
// and must not overlap another operation on them; the proxy runs everything on one thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace layerpush::faultproxy {

namespace beast = boost::beast;
namespace http = boost::beast::http;

struct Relayed {
  std::uint64_t bytes = 0;        // body bytes read from `from` (and, unless stopped, written)
  beast::error_code read_error;   // reading `from` failed: that side is gone
  beast::error_code write_error;  // writing `to` failed: that side is gone
  bool stopped = false;           // `stop_after` bytes went out; the message is unfinished
};

// Copies the body of the message whose header `parser` has read from `from` to `to`, whose
// `serializer` (over parser.get()) has already written the header. With `stop_after`, returns
// once that many body bytes went out (before the message ends, or right at its end).
template <bool isRequest>
boost::asio::awaitable<Relayed> relay_body(
    beast::tcp_stream& from, beast::flat_buffer& buffer,
    http::parser<isRequest, http::buffer_body>& parser, beast::tcp_stream& to,
    http::serializer<isRequest, http::buffer_body>& serializer,
    std::optional<std::uint64_t> stop_after);

// Reads and drops the rest of a request body, counting it.
boost::asio::awaitable<Relayed> discard_body(beast::tcp_stream& from, beast::flat_buffer& buffer,
                                             http::request_parser<http::buffer_body>& parser);

// Removes the hop-by-hop fields (RFC 9110 7.6.1): Connection and every field it names,
// Keep-Alive, Proxy-Connection, Proxy-Authenticate, Proxy-Authorization, TE, Trailer, Upgrade.
// Transfer-Encoding and Content-Length stay: the serializer frames the body the same way again.
void strip_hop_by_hop(http::fields& fields);

// `location` with an absolute "http://UPSTREAM" origin replaced by "http://CLIENT_HOST", so the
// client keeps coming through the proxy; any other Location unchanged.
std::string rewrite_location(const std::string& location, const std::string& upstream_host,
                             const std::string& client_host);

}  // namespace layerpush::faultproxy
