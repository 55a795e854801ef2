// The request loop and body streaming of one sink connection, and the choice of endpoint.
#include "tools/sink/connection.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "tools/server_core/client_connection.h"

namespace layerpush::sink {
namespace asio = boost::asio;
using asio::use_awaitable;

namespace {
// Bodies of known length are read straight from the socket into a piece this large: fewer
// reads than through Beast's buffer, and no copy out of it.
constexpr std::size_t kPieceSize = 1 << 20;
// For writing a reply.
constexpr auto kReplyTimeout = std::chrono::seconds(60);
}  // namespace

Connection::Connection(asio::ip::tcp::socket socket, Store& store, RequestLog* log)
    : store_(store), log_(log), stream_(std::move(socket)), piece_(kPieceSize) {
  buffer_.reserve(server_core::kReadBufferSize);
}

asio::awaitable<void> Connection::run() {
  bool keep = true;
  while (keep) {
    parser_.emplace();
    beast::error_code ec;
    co_await server_core::async_read_request_header(stream_, buffer_, *parser_,
                                                    asio::redirect_error(use_awaitable, ec));
    if (ec) break;  // closed between requests, or not HTTP (a TLS hello): nothing to answer
    bump(store_.counters().requests);
    body_bytes_ = 0;
    body_read_ = false;
    const auto& request = parser_->get();
    continue_pending_ = server_core::expects_continue(*parser_);
    const auto route = parse_route(request.target());
    // An if, not ?: around co_await: GCC 12 miscompiles the conditional form (it crashed).
    Reply reply = error_reply(http::status::not_found, "NAME_INVALID",
                              "not a registry endpoint or an invalid repository name");
    if (route) reply = co_await dispatch(*route);
    if (!broken_) keep = co_await send(reply);
    if (log_)
      log_->write({std::string(request.method_string()), std::string(request.target()),
                   broken_ ? std::nullopt : std::optional<int>(reply.result_int()), body_bytes_});
    if (broken_) co_return;  // the body broke off: the client is gone
  }
  if (stream_.socket().is_open())
    co_await server_core::close_gracefully(stream_, asio::buffer(piece_));
}

asio::awaitable<Reply> Connection::dispatch(const Route& route) {
  const http::verb method = parser_->get().method();
  using V = http::verb;
  switch (route.endpoint) {
    case Endpoint::kBase:
      if (method == V::get || method == V::head) co_return base_reply();
      break;
    case Endpoint::kBlob:
      if (method == V::head) co_return head_blob(route);
      if (method == V::get)  // the sink keeps no blob bytes to send
        co_return error_reply(http::status::method_not_allowed, "UNSUPPORTED",
                              "the sink registry keeps no blob content");
      break;
    case Endpoint::kUploads:
      if (method == V::post) co_return co_await start_upload(route);
      break;
    case Endpoint::kUpload:
      if (method == V::patch) co_return co_await patch_upload(route);
      if (method == V::put) co_return co_await put_upload(route);
      if (method == V::get) co_return upload_status(route);
      if (method == V::delete_) co_return cancel_upload(route);
      break;
    case Endpoint::kManifest:
      if (method == V::put) co_return co_await put_manifest(route);
      if (method == V::get || method == V::head) co_return get_manifest(route);
      if (method == V::delete_) co_return delete_manifest(route);
      break;
  }
  co_return error_reply(http::status::method_not_allowed, "UNSUPPORTED",
                        "method not allowed on this endpoint");
}

asio::awaitable<std::uint64_t> Connection::read_body(const PieceSink& sink, bool upload) {
  beast::error_code ec;
  if (continue_pending_ && !body_done()) {
    continue_pending_ = false;
    http::response<http::empty_body> go_on{http::status::continue_, 11};
    stream_.expires_after(kReplyTimeout);
    co_await http::async_write(stream_, go_on, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      broken_ = true;
      co_return 0;
    }
  }
  // A deadline per read arms and cancels a timer each time (most of the fault proxy's CPU when
  // streaming): bodies stream without one, and a client stalled mid-body holds only its socket.
  stream_.expires_never();
  std::uint64_t total = 0;
  auto take = [&](std::span<const std::byte> piece) {
    sink(piece);
    total += piece.size();
    body_bytes_ += piece.size();
    if (upload) bump(store_.counters().bytes_received, piece.size());
  };
  if (const auto length = parser_->content_length(); length && !body_done()) {
    // What came in with the header first, then straight from the socket; Beast's parser is
    // left behind, so body_done() answers from here on.
    std::uint64_t left = *length;
    const auto buffered = std::min<std::uint64_t>(buffer_.size(), left);
    if (buffered > 0) {
      take(std::span(static_cast<const std::byte*>(buffer_.data().data()), buffered));
      buffer_.consume(buffered);
      left -= buffered;
    }
    while (left > 0) {
      const std::size_t want = std::min<std::uint64_t>(left, piece_.size());
      const std::size_t got = co_await stream_.socket().async_read_some(
          asio::buffer(piece_.data(), want), asio::redirect_error(use_awaitable, ec));
      if (ec) {
        broken_ = true;
        co_return total;
      }
      take(std::span<const std::byte>(piece_.data(), got));
      left -= got;
    }
    body_read_ = true;
    co_return total;
  }
  auto& body = parser_->get().body();
  while (!parser_->is_done()) {
    body.data = piece_.data();
    body.size = piece_.size();
    co_await http::async_read(stream_, buffer_, *parser_, asio::redirect_error(use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    const std::size_t got = piece_.size() - body.size;
    if (got > 0) take(std::span<const std::byte>(piece_.data(), got));
    if (ec) {
      broken_ = true;
      break;
    }
  }
  co_return total;
}

asio::awaitable<bool> Connection::send(Reply& reply) {
  bool keep = parser_->keep_alive();
  if (!body_done() && continue_pending_) {
    // The client holds its body back until it hears 100 Continue, which it won't: a final
    // status and closing afterwards is how RFC 9110 (10.1.1) lets a server decline a body.
    keep = false;
  } else if (!body_done()) {
    co_await read_body([](std::span<const std::byte>) {}, false);
    if (broken_) co_return false;
  }
  if (parser_->get().method() == http::verb::head && !reply.body().empty()) {
    // HEAD: Content-Length says what a GET would carry, and no body follows.
    const auto length = reply.body().size();
    reply.body().clear();
    reply.content_length(length);
  }
  reply.keep_alive(keep);
  stream_.expires_after(kReplyTimeout);
  beast::error_code ec;
  co_await http::async_write(stream_, reply, asio::redirect_error(use_awaitable, ec));
  co_return keep && !ec;
}

}  // namespace layerpush::sink
