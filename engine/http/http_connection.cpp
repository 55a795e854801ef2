#include "engine/http/http_connection.h"

#include <openssl/ssl.h>
#include <sys/sendfile.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "engine/util/error.h"

namespace layerpush::engine {
namespace {
using asio::use_awaitable;

[[noreturn]] void fail_transport(const Origin& origin, std::string_view what,
                                 const boost::system::system_error& e) {
  throw Error(ErrorKind::kTransport, std::string(what) + " " + origin.host_header() + " failed: " +
                                         e.code().message());
}
}  // namespace

HttpConnection::HttpConnection(const Origin& origin, asio::any_io_executor executor,
                               asio::ssl::context* tls, Timeouts timeouts)
    : origin_(origin), timeouts_(timeouts) {
  if (origin.scheme == "https")
    secure_.emplace(executor, *tls);
  else
    plain_.emplace(executor);
}

beast::tcp_stream& HttpConnection::tcp() {
  return secure_ ? beast::get_lowest_layer(*secure_) : *plain_;
}

asio::awaitable<std::unique_ptr<HttpConnection>> HttpConnection::open(const Origin& origin,
                                                                      asio::ssl::context* tls,
                                                                      Timeouts timeouts) {
  auto executor = co_await asio::this_coro::executor;
  std::unique_ptr<HttpConnection> conn(new HttpConnection(origin, executor, tls, timeouts));
  asio::ip::tcp::resolver resolver(executor);
  try {
    auto endpoints = co_await resolver.async_resolve(origin.host, origin.port, use_awaitable);
    conn->tcp().expires_after(timeouts.connect);
    co_await conn->tcp().async_connect(endpoints, use_awaitable);
    conn->tcp().socket().set_option(asio::ip::tcp::no_delay(true));
  } catch (const boost::system::system_error& e) {
    fail_transport(origin, "connecting to", e);
  }
  if (conn->secure_) {
    // SNI, and verification of the certificate against the host we asked for.
    if (!SSL_set_tlsext_host_name(conn->secure_->native_handle(), origin.host.c_str()))
      throw Error(ErrorKind::kTransport, "cannot set TLS server name for " + origin.host);
    if (SSL_CTX_get_verify_mode(tls->native_handle()) & SSL_VERIFY_PEER)
      conn->secure_->set_verify_callback(asio::ssl::host_name_verification(origin.host));
    try {
      conn->tcp().expires_after(timeouts.connect);
      co_await conn->secure_->async_handshake(asio::ssl::stream_base::client, use_awaitable);
    } catch (const boost::system::system_error& e) {
      // An untrusted or mismatched certificate stays so however often we ask: not retried.
      if (e.code().category() == asio::error::get_ssl_category())
        throw Error(ErrorKind::kTransport,
                    "TLS handshake with " + origin.host_header() + " failed: " + e.code().message(),
                    Recovery::kNone);
      fail_transport(origin, "TLS handshake with", e);
    }
  }
  co_return conn;
}

asio::awaitable<void> HttpConnection::write(http::request<http::string_body>& request) {
  try {
    tcp().expires_after(timeouts_.io);
    if (secure_)
      co_await http::async_write(*secure_, request, use_awaitable);
    else
      co_await http::async_write(*plain_, request, use_awaitable);
  } catch (const boost::system::system_error& e) {
    reusable_ = false;
    fail_transport(origin_, "sending a request to", e);
  }
}

asio::awaitable<void> HttpConnection::write_all(
    std::span<http::request<http::string_body>> requests) {
  std::string wire;
  for (const auto& request : requests) {
    std::ostringstream serialized;
    serialized << request;
    wire += serialized.str();
  }
  try {
    tcp().expires_after(timeouts_.io);
    if (secure_)
      co_await asio::async_write(*secure_, asio::buffer(wire), use_awaitable);
    else
      co_await asio::async_write(*plain_, asio::buffer(wire), use_awaitable);
  } catch (const boost::system::system_error& e) {
    reusable_ = false;
    fail_transport(origin_, "sending requests to", e);
  }
}

asio::awaitable<void> HttpConnection::write_header(
    http::request_serializer<http::buffer_body>& serializer) {
  try {
    tcp().expires_after(timeouts_.io);
    if (secure_)
      co_await http::async_write_header(*secure_, serializer, use_awaitable);
    else
      co_await http::async_write_header(*plain_, serializer, use_awaitable);
  } catch (const boost::system::system_error& e) {
    reusable_ = false;
    fail_transport(origin_, "sending a request to", e);
  }
}

asio::awaitable<void> HttpConnection::write_body(
    http::request_serializer<http::buffer_body>& serializer,
    http::request<http::buffer_body>& request, std::span<const std::byte> piece, bool last) {
  request.body().data = piece.empty() ? nullptr : const_cast<std::byte*>(piece.data());
  request.body().size = piece.size();
  request.body().more = !last;
  try {
    tcp().expires_after(timeouts_.io);
    // The serializer reports need_buffer once it has consumed this piece: that is its way of
    // asking for the next one, not a failure.
    boost::system::error_code ec;
    if (secure_)
      co_await http::async_write(*secure_, serializer, asio::redirect_error(use_awaitable, ec));
    else
      co_await http::async_write(*plain_, serializer, asio::redirect_error(use_awaitable, ec));
    if (ec && ec != http::error::need_buffer) throw boost::system::system_error(ec);
  } catch (const boost::system::system_error& e) {
    reusable_ = false;
    fail_transport(origin_, "sending data to", e);
  }
}

asio::awaitable<http::response<http::string_body>> HttpConnection::read(bool head) {
  http::response_parser<http::string_body> parser;
  parser.skip(head);
  // Error bodies and manifests are small; anything larger from the registry is a fault.
  parser.body_limit(16 << 20);
  try {
    tcp().expires_after(timeouts_.io);
    if (secure_)
      co_await http::async_read(*secure_, read_buffer_, parser, use_awaitable);
    else
      co_await http::async_read(*plain_, read_buffer_, parser, use_awaitable);
  } catch (const boost::system::system_error& e) {
    reusable_ = false;
    fail_transport(origin_, "reading a response from", e);
  }
  auto response = parser.release();
  if (!response.keep_alive()) reusable_ = false;
  co_return response;
}

asio::awaitable<void> HttpConnection::read_header(
    http::response_parser<http::buffer_body>& parser) {
  parser.body_limit(boost::none);  // Beast's default (8 MiB) would refuse large blobs
  try {
    tcp().expires_after(timeouts_.io);
    if (secure_)
      co_await http::async_read_header(*secure_, read_buffer_, parser, use_awaitable);
    else
      co_await http::async_read_header(*plain_, read_buffer_, parser, use_awaitable);
  } catch (const boost::system::system_error& e) {
    reusable_ = false;
    fail_transport(origin_, "reading a response from", e);
  }
}

asio::awaitable<void> HttpConnection::read_body(http::response_parser<http::buffer_body>& parser) {
  boost::system::error_code ec;
  tcp().expires_after(timeouts_.io);
  if (secure_)
    co_await http::async_read(*secure_, read_buffer_, parser,
                              asio::redirect_error(use_awaitable, ec));
  else
    co_await http::async_read(*plain_, read_buffer_, parser,
                              asio::redirect_error(use_awaitable, ec));
  // need_buffer: the piece is full and Beast asks for the next one, not a failure.
  if (!ec || ec == http::error::need_buffer) co_return;
  reusable_ = false;
  throw Error(ErrorKind::kTransport,
              "reading a response from " + origin_.host_header() + " failed: " + ec.message());
}

asio::awaitable<void> HttpConnection::send_file_range(int fd, std::uint64_t offset,
                                                      std::uint64_t length) {
  auto& socket = tcp().socket();
  socket.native_non_blocking(true);
  off_t position = static_cast<off_t>(offset);
  while (length > 0) {
    const ssize_t n = ::sendfile(socket.native_handle(), fd, &position, length);
    if (n > 0) {
      length -= static_cast<std::uint64_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) {
      reusable_ = false;
      throw Error(ErrorKind::kTransport, "sending data to " + origin_.host_header() +
                                             " failed: " + std::strerror(errno));
    }
    if (n == 0) {
      reusable_ = false;
      throw Error(ErrorKind::kLocalRead, "the source file ended before its blob did");
    }
    // The socket buffer is full: wait until the registry has read some, within the I/O deadline.
    asio::steady_timer deadline(socket.get_executor(), timeouts_.io);
    deadline.async_wait([&socket](boost::system::error_code ec) {
      if (!ec) socket.cancel();  // a stalled registry: fail the wait below
    });
    boost::system::error_code ec;
    co_await socket.async_wait(asio::ip::tcp::socket::wait_write,
                               asio::redirect_error(use_awaitable, ec));
    deadline.cancel();
    if (ec) {
      reusable_ = false;
      throw Error(ErrorKind::kTransport, "sending data to " + origin_.host_header() +
                                             " failed: " + ec.message());
    }
  }
}

void HttpConnection::abort() {
  reusable_ = false;
  beast::error_code ignored;  // closing an already-closed socket is fine
  tcp().socket().close(ignored);
}

}  // namespace layerpush::engine
