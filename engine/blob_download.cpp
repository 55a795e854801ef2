#include "engine/blob_download.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <vector>

#include "engine/error.h"
#include "engine/registry_errors.h"
#include "engine/retry_policy.h"
#include "hashing/sha256.h"

namespace layerpush::engine {
namespace {
namespace ssl = asio::ssl;
using boost::system::error_code;

// Bytes read per step: small enough to stay in cache while it is hashed and copied into the
// pipe (the same reasoning as kVerifyReadSize), large enough to amortize the calls.
constexpr std::size_t kPiece = 64 << 10;

// "sha256:…", the last component of the blob's path.
std::string digest_named(const RemoteBlob& blob) {
  return blob.url.target.substr(blob.url.target.rfind('/') + 1);
}

// One connection of one download. Blocking for its caller: each step runs an asynchronous
// operation on a private io_context to its end, because only asynchronous operations honour the
// stream's deadline (a blocking socket read would wait for a stalled server for ever).
class Download {
 public:
  Download(const Origin& origin, SharedTlsContext& tls, Timeouts timeouts)
      : origin_(origin), timeouts_(timeouts) {
    if (origin.scheme != "https") {
      plain_.emplace(ioc_);
      return;
    }
    tls_ = &tls.get();
    secure_.emplace(ioc_, *tls_);
  }

  void connect() {
    asio::ip::tcp::resolver resolver(ioc_);
    error_code ec;
    const auto endpoints = resolver.resolve(origin_.host, origin_.port, ec);
    if (!ec) {
      tcp().expires_after(timeouts_.connect);
      ec = run([&](auto done) { tcp().async_connect(endpoints, done); });
    }
    if (ec) fail("connecting to", ec);
    if (!secure_) return;
    // SNI, and verification of the certificate against the host we asked for.
    SSL_set_tlsext_host_name(secure_->native_handle(), origin_.host.c_str());
    if (SSL_CTX_get_verify_mode(tls_->native_handle()) & SSL_VERIFY_PEER)
      secure_->set_verify_callback(ssl::host_name_verification(origin_.host));
    tcp().expires_after(timeouts_.connect);
    ec = run([&](auto done) { secure_->async_handshake(ssl::stream_base::client, done); });
    // An untrusted certificate stays so however often we ask: not retried.
    if (ec && ec.category() == asio::error::get_ssl_category())
      throw Error(ErrorKind::kTransport,
                  "TLS handshake with " + origin_.host_header() + " failed: " + ec.message(),
                  Recovery::kNone);
    if (ec) fail("TLS handshake with", ec);
  }

  // Runs `start(handler)` to its end; returns its error.
  template <class Start>
  error_code run(Start start) {
    error_code result;
    start([&result](error_code ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
  }
  // Calls `f` with the stream, plain or TLS.
  template <class F>
  error_code on_stream(F f) {
    tcp().expires_after(timeouts_.io);
    return secure_ ? run([&](auto done) { f(*secure_, done); })
                   : run([&](auto done) { f(*plain_, done); });
  }

  [[noreturn]] void fail(std::string_view what, error_code ec) const {
    throw Error(ErrorKind::kTransport,
                std::string(what) + " " + origin_.host_header() + " failed: " + ec.message());
  }

  beast::flat_buffer buffer;

 private:
  beast::tcp_stream& tcp() { return secure_ ? beast::get_lowest_layer(*secure_) : *plain_; }

  Origin origin_;
  Timeouts timeouts_;
  asio::io_context ioc_{1};
  ssl::context* tls_ = nullptr;  // shared with the other downloads of the copy
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure_;
};

// Streams a 200 answer's body to `sink`, hashing it. Nullopt when the sink stopped.
std::optional<ProducedBlob> read_body(Download& download,
                                      http::response_parser<http::buffer_body>& parser,
                                      const RemoteBlob& blob, std::uint64_t max_size,
                                      const std::function<bool(std::span<const std::byte>)>& sink) {
  std::vector<std::byte> piece(kPiece);
  hashing::Sha256 hash;
  std::uint64_t size = 0;
  while (!parser.is_done()) {
    parser.get().body().data = piece.data();
    parser.get().body().size = piece.size();
    auto ec = download.on_stream([&](auto& stream, auto done) {
      http::async_read(stream, download.buffer, parser, done);
    });
    if (ec == http::error::need_buffer) ec = {};  // the piece is full: Beast asks for the next
    if (ec == http::error::body_limit)
      throw Error(ErrorKind::kCorrupt, "blob " + digest_named(blob) + " from " + blob.where +
                                           " is corrupt: it is longer than " +
                                           std::to_string(max_size) + " bytes");
    if (ec) download.fail("reading a blob from", ec);
    const std::size_t n = piece.size() - parser.get().body().size;
    const std::span<const std::byte> bytes(piece.data(), n);
    hash.update(bytes);
    size += n;
    if (n > 0 && !sink(bytes)) return std::nullopt;
  }
  const auto digest = hash.finish();
  return ProducedBlob{digest, size, digest};
}

}  // namespace

std::optional<ProducedBlob> download_blob(
    const RemoteBlob& blob, std::uint64_t max_size,
    const std::function<bool(std::span<const std::byte>)>& sink) {
  Url url = blob.url;
  for (int redirects = 0;; ++redirects) {
    Download download(url.origin, *blob.tls, blob.timeouts);
    download.connect();
    http::request<http::empty_body> get{http::verb::get, url.target, 11};
    get.set(http::field::host, url.origin.host_header());
    get.set(http::field::user_agent, "layerpush/0.1");
    // The registry's credentials go to the registry alone, never to storage it redirects to.
    if (!blob.authorization.empty() && url.origin == blob.url.origin)
      get.set(http::field::authorization, blob.authorization);
    auto ec = download.on_stream(
        [&](auto& stream, auto done) { http::async_write(stream, get, done); });
    if (ec) download.fail("sending a request to", ec);
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(max_size);
    ec = download.on_stream([&](auto& stream, auto done) {
      http::async_read_header(stream, download.buffer, parser, done);
    });
    if (ec) download.fail("reading a response from", ec);
    const unsigned status = parser.get().result_int();
    const std::string what = "reading blob " + digest_named(blob) + " from " + blob.where;
    const auto location = parser.get().find(http::field::location);
    if ((status == 307 || status == 308 || status == 301 || status == 302 || status == 303) &&
        location != parser.get().end() && redirects < kMaxRedirects) {
      url = resolve_location(url, location->value());
      continue;  // a fresh connection: storage is usually another host
    }
    if (status == 200) return read_body(download, parser, blob, max_size, sink);
    const std::string why =
        what + " was refused: " + describe_error_response(status, parser.get().reason(), "");
    if (is_transient_status(status)) throw Error(ErrorKind::kRegistry, why, Recovery::kRetry);
    throw Error(ErrorKind::kRegistry, why);
  }
}

}  // namespace layerpush::engine
