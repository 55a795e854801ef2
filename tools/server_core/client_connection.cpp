#include "tools/server_core/client_connection.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace layerpush::server_core {
namespace asio = boost::asio;

asio::awaitable<void> close_gracefully(beast::tcp_stream& stream, asio::mutable_buffer scratch) {
  beast::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream.expires_after(kLingerTime);
  while (!ec)
    co_await stream.async_read_some(scratch, asio::redirect_error(asio::use_awaitable, ec));
  stream.close();
}

}  // namespace layerpush::server_core
