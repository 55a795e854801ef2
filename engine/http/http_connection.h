// One keep-alive HTTP/1.1 connection to one origin, over plain TCP or TLS, driven by C++20
// coroutines on the network thread. Each I/O phase has its own deadline. Not thread-safe: a
// connection is used by one coroutine at a time (the pool hands it out exclusively).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <span>

#include "engine/http/url.h"

namespace layerpush::engine {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct Timeouts {
  std::chrono::seconds connect{30};
  // Longest wait for one read or write to make progress; a stalled registry fails after this.
  std::chrono::seconds io{120};
};

class HttpConnection {
 public:
  // Resolves, connects and (for https) handshakes with SNI and host-name verification.
  // Throws engine::Error(kTransport) naming the host and the cause.
  static asio::awaitable<std::unique_ptr<HttpConnection>> open(const Origin& origin,
                                                               asio::ssl::context* tls,
                                                               Timeouts timeouts);

  const Origin& origin() const { return origin_; }
  // False once the peer said Connection: close, or an operation failed part way.
  bool reusable() const { return reusable_; }
  void mark_broken() { reusable_ = false; }

  // Sends a whole request (header and body).
  asio::awaitable<void> write(http::request<http::string_body>& request);
  // Sends several whole requests in one write, to be answered in order (HTTP/1.1 pipelining):
  // they leave together, as few packets as their bytes need, instead of one write each.
  asio::awaitable<void> write_all(std::span<http::request<http::string_body>> requests);
  // Sends only the header of a request whose body follows through write_body().
  asio::awaitable<void> write_header(http::request_serializer<http::buffer_body>& serializer);
  // Sends one piece of the body; `last` ends it (and, for chunked encoding, writes the last chunk).
  asio::awaitable<void> write_body(http::request_serializer<http::buffer_body>& serializer,
                                   http::request<http::buffer_body>& request,
                                   std::span<const std::byte> piece, bool last);
  // Sends `length` bytes of file `fd` from `offset` as (part of) a body whose header went out
  // with write_header(): the kernel copies page cache to socket, nothing passes through user
  // space. Plain connections only (is_plain()).
  asio::awaitable<void> send_file_range(int fd, std::uint64_t offset, std::uint64_t length);
  bool is_plain() const { return plain_.has_value(); }
  // Reads one response. For HEAD requests pass head=true (no body follows).
  asio::awaitable<http::response<http::string_body>> read(bool head);
  // A response whose body is streamed in pieces (blob downloads): read_header() reads the header
  // into `parser`, then each read_body() fills the parser's buffer_body with the next piece
  // (until full or the message ends). No body limit: the caller checks lengths itself.
  asio::awaitable<void> read_header(http::response_parser<http::buffer_body>& parser);
  asio::awaitable<void> read_body(http::response_parser<http::buffer_body>& parser);

  // Closes the socket at once, failing any pending operation; used to abort a body part way.
  void abort();

 private:
  HttpConnection(const Origin& origin, asio::any_io_executor executor, asio::ssl::context* tls,
                 Timeouts timeouts);
  beast::tcp_stream& tcp();

  Origin origin_;
  Timeouts timeouts_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure_;
  beast::flat_buffer read_buffer_;
  bool reusable_ = true;
};

}  // namespace layerpush::engine
