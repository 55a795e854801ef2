// Setting up the client side of an HTTP/1.1 server connection, as the sink and the fault proxy
// share it: the read buffer's size, reading each request's header with the limits and deadline
// a registry endpoint needs, spotting "Expect: 100-continue", and the graceful close at the end.
// Each call works on the stream it is given and must not overlap another operation on it.
#pragma once

#include <boost/algorithm/string/predicate.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace layerpush::server_core {

namespace beast = boost::beast;
namespace http = boost::beast::http;

// Bodies are streamed piece by piece through a buffer_body, never held.
using RequestParser = http::request_parser<http::buffer_body>;

// Registry requests carry long queries (_state) and bearer tokens of a few KiB.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
// What a connection's flat_buffer is to reserve up front. Beast reads as much as the buffer has
// room for (at least 512 bytes, at most 64 KiB): left at the size a header needed, bodies would
// stream 512 bytes per read and write (a 400 MB GET took 9 s instead of 0.4 s).
constexpr std::size_t kReadBufferSize = 64 * 1024;
// How long close_gracefully() waits for the client to close its side.
constexpr auto kLingerTime = std::chrono::seconds(2);

// Reads the next request's header into `parser`, a fresh one, as http::async_read_header does
// (completing with the bytes of `buffer` the header took), after giving the parser no body limit
// and kHeaderLimit, and the stream no deadline: an idle keep-alive connection may wait as long
// as its client likes. A template that returns the read itself: no coroutine frame of its own.
template <typename CompletionToken>
auto async_read_request_header(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                               RequestParser& parser, CompletionToken&& token) {
  parser.body_limit(boost::none);
  parser.header_limit(kHeaderLimit);
  stream.expires_never();
  return http::async_read_header(stream, buffer, parser, std::forward<CompletionToken>(token));
}

// The request asks "Expect: 100-continue" and has a body: the client holds the body back until
// it hears 100 Continue (or a final status).
inline bool expects_continue(const RequestParser& parser) {
  return !parser.is_done() && boost::iequals(parser.get()[http::field::expect], "100-continue");
}

// FIN, then read whatever the client still sends into `scratch` and drop it, for up to
// kLingerTime, then close: unread bytes would make our close an RST that could destroy the
// reply still on its way.
boost::asio::awaitable<void> close_gracefully(beast::tcp_stream& stream,
                                              boost::asio::mutable_buffer scratch);

}  // namespace layerpush::server_core
