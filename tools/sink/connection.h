// One client connection of the sink registry: reads requests one after another (keep-alive),
// routes each to its endpoint, and answers. Request bodies are streamed through a fixed 64 KiB
// piece, hashed as they arrive and then dropped, so memory per connection stays constant
// whatever the blob size. Lives in one coroutine on its own strand; not thread-safe. The
// endpoints themselves are in blob_endpoints.cpp and manifest_endpoints.cpp.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "tools/server_core/client_connection.h"
#include "tools/sink/replies.h"
#include "tools/sink/request_log.h"
#include "tools/sink/routes.h"
#include "tools/sink/store.h"

namespace layerpush::sink {

namespace beast = boost::beast;

class Connection {
 public:
  // `log` may be null (no request log); it must outlive the connection, as `store` must.
  Connection(boost::asio::ip::tcp::socket socket, Store& store, RequestLog* log);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  boost::asio::awaitable<void> run();

 private:
  using Parser = server_core::RequestParser;
  using PieceSink = std::function<void(std::span<const std::byte>)>;

  boost::asio::awaitable<Reply> dispatch(const Route& route);

  // Blob endpoints (blob_endpoints.cpp).
  Reply head_blob(const Route& route);
  boost::asio::awaitable<Reply> start_upload(const Route& route);
  boost::asio::awaitable<Reply> patch_upload(const Route& route);
  boost::asio::awaitable<Reply> put_upload(const Route& route);
  // Hashes the request body into the claimed session and commits it as `digest` (a query value).
  boost::asio::awaitable<Reply> commit(const Route& route, UploadClaim& upload,
                                       const std::string& digest);
  Reply upload_status(const Route& route);
  Reply cancel_upload(const Route& route);
  // Manifest endpoints (manifest_endpoints.cpp).
  boost::asio::awaitable<Reply> put_manifest(const Route& route);
  Reply get_manifest(const Route& route);  // GET and HEAD
  Reply delete_manifest(const Route& route);

  // Streams the rest of the request body to `sink` piece by piece, counting it as upload bytes
  // when `upload` is set. Returns the bytes read; on a read error sets broken_ (no reply then).
  boost::asio::awaitable<std::uint64_t> read_body(const PieceSink& sink, bool upload);
  // Answers the request, first reading and dropping any body left unread (or, when the client
  // still waits for 100 Continue, not asking for it and closing). Returns whether to go on.
  boost::asio::awaitable<bool> send(Reply& reply);
  // The current request's body has been read whole (or it has none).
  bool body_done() const { return body_read_ || parser_->is_done(); }

  Store& store_;
  RequestLog* const log_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<Parser> parser_;   // the current request
  bool continue_pending_ = false;  // it has "Expect: 100-continue" and we did not answer yet
  bool broken_ = false;            // its body broke off: the connection is gone
  std::uint64_t body_bytes_ = 0;   // of the current request, read so far
  bool body_read_ = false;         // read_body() read it past the parser, to its end
  std::vector<std::byte> piece_;
};

}  // namespace layerpush::sink
