#include "tools/faultproxy/delay_line.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <memory>
#include <vector>

namespace layerpush::faultproxy {
namespace asio = boost::asio;
using asio::use_awaitable;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {
constexpr std::size_t kPiece = 64 * 1024;

// What the client sent, held until it is due on the far side. An empty piece is the end: the
// client closed (`reset`: broke off).
struct Piece {
  Clock::time_point due;
  std::vector<char> bytes;
  bool reset = false;
};

struct Line {
  Line(tcp::socket c, tcp::socket n, std::chrono::milliseconds l)
      : client(std::move(c)), near(std::move(n)), latency(l), wake(client.get_executor()) {}
  tcp::socket client;
  tcp::socket near;  // our end of the loopback connection; the session holds the other
  std::chrono::milliseconds latency;
  std::deque<Piece> queue;
  asio::steady_timer wake;  // cancelled when a piece is queued
};

void reset(tcp::socket& socket) {
  boost::system::error_code ignored;  // it may be broken already: we are closing it anyway
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

asio::awaitable<void> take_in(std::shared_ptr<Line> line) {
  for (;;) {
    std::vector<char> bytes(kPiece);
    boost::system::error_code ec;
    const std::size_t n = co_await line->client.async_read_some(
        asio::buffer(bytes), asio::redirect_error(use_awaitable, ec));
    bytes.resize(n);
    const bool end = ec || n == 0;
    line->queue.push_back(
        {Clock::now() + line->latency, std::move(bytes), ec && ec != asio::error::eof});
    line->wake.cancel();
    if (end) co_return;
  }
}

asio::awaitable<void> hand_on(std::shared_ptr<Line> line) {
  for (;;) {
    boost::system::error_code ec;
    if (line->queue.empty()) {
      line->wake.expires_at(Clock::time_point::max());
      co_await line->wake.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    line->wake.expires_at(line->queue.front().due);
    co_await line->wake.async_wait(asio::redirect_error(use_awaitable, ec));
    if (ec != asio::error::operation_aborted || line->queue.front().due <= Clock::now()) {
      Piece piece = std::move(line->queue.front());
      line->queue.pop_front();
      if (piece.bytes.empty()) {
        if (piece.reset)
          reset(line->near);
        else
          line->near.shutdown(tcp::socket::shutdown_send, ec);
        co_return;
      }
      co_await asio::async_write(line->near, asio::buffer(piece.bytes),
                                 asio::redirect_error(use_awaitable, ec));
      if (ec) {
        reset(line->client);
        co_return;
      }
    }
  }
}

asio::awaitable<void> send_back(std::shared_ptr<Line> line) {
  std::vector<char> bytes(kPiece);
  for (;;) {
    boost::system::error_code ec;
    const std::size_t n = co_await line->near.async_read_some(
        asio::buffer(bytes), asio::redirect_error(use_awaitable, ec));
    if (n > 0) {
      boost::system::error_code write_ec;
      co_await asio::async_write(line->client, asio::buffer(bytes.data(), n),
                                 asio::redirect_error(use_awaitable, write_ec));
      if (write_ec) ec = write_ec;
    }
    if (ec == asio::error::eof) {
      line->client.shutdown(tcp::socket::shutdown_send, ec);
      co_return;
    }
    if (ec) {
      reset(line->client);
      co_return;
    }
  }
}
}  // namespace

asio::awaitable<tcp::socket> delay_line(tcp::socket client, std::chrono::milliseconds latency) {
  auto executor = client.get_executor();
  tcp::acceptor loop(executor, {asio::ip::make_address("127.0.0.1"), 0});
  tcp::socket near(executor);
  co_await near.async_connect(loop.local_endpoint(), use_awaitable);
  tcp::socket far = co_await loop.async_accept(use_awaitable);
  boost::system::error_code ignored;  // best effort, as for the client's socket
  near.set_option(tcp::no_delay(true), ignored);
  far.set_option(tcp::no_delay(true), ignored);
  auto line = std::make_shared<Line>(std::move(client), std::move(near), latency);
  asio::co_spawn(executor, take_in(line), asio::detached);
  asio::co_spawn(executor, hand_on(line), asio::detached);
  asio::co_spawn(executor, send_back(line), asio::detached);
  co_return far;
}

}  // namespace layerpush::faultproxy
