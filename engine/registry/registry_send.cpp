// How RegistryClient puts requests on the wire: one attempt over a pooled connection, and around
// it, for requests without a streamed body, the retries, redirects and token renewal that keep a
// push going through rate limits, restarts and short-lived tokens.
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

#include "engine/registry/registry_client.h"

namespace layerpush::engine {
namespace {
// Largest piece handed to one write: big enough that syscalls are amortized, small enough that a
// cancelled push notices within a few milliseconds.
constexpr std::size_t kWritePiece = 256 << 10;
}  // namespace

asio::awaitable<void> RegistryClient::pause(std::chrono::milliseconds delay) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  const auto until = std::chrono::steady_clock::now() + delay;
  // In short slices, so a push cancelled by another lane's failure does not sit out a long wait.
  while (!cancelled_ && std::chrono::steady_clock::now() < until) {
    timer.expires_at(std::min(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(100)));
    co_await timer.async_wait(asio::use_awaitable);
  }
}

std::chrono::milliseconds RegistryClient::next_retry_delay(
    int retry, std::optional<std::chrono::milliseconds> retry_after) {
  ++retries_;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  return retry_delay(retry_, retry, retry_after, unit(jitter_));
}

asio::awaitable<Response> RegistryClient::send(http::request<http::string_body>& request, Url url,
                                               Target target) {
  request.prepare_payload();
  const Origin first_origin = url.origin;
  int retries = 0;
  int redirects = 0;
  bool renewed = false;
  for (;;) {
    if (cancelled_ && target != Target::kBestEffort)
      throw Error(ErrorKind::kCancelled, "push cancelled");
    int generation = 0;
    if (target != Target::kTokenServer) {
      co_await renew_token_if_due();
      authorize(request, url);
      generation = bearer_ ? bearer_->generation : 0;
    } else if (url.origin != first_origin) {
      request.erase(http::field::authorization);  // the token server's credentials stay with it
    }
    std::optional<Response> response;
    std::optional<Error> failure;
    try {
      response = co_await send_once(request, url);
    } catch (const Error& e) {
      if (e.recovery() != Recovery::kRetry || target == Target::kBestEffort) throw;
      failure = e;
    }
    if (target == Target::kBestEffort) co_return std::move(*response);
    std::optional<std::chrono::milliseconds> retry_after;
    if (response) {
      const unsigned status = response->result_int();
      if ((status == 307 || status == 308) && redirects < kMaxRedirects) {
        ++redirects;
        url = location_of(url, *response, "following a redirect from " + url.origin.host_header());
        request.target(url.target);
        request.set(http::field::host, url.origin.host_header());
        continue;
      }
      if (status == 401 && bearer_ && !renewed && target != Target::kTokenServer) {
        renewed = true;  // one new token per request: a second 401 is a real refusal
        co_await renew_token(generation);
        continue;
      }
      if (!is_transient_status(status) || retries >= retry_.max_retries) co_return std::move(*response);
      if (auto it = response->find(http::field::retry_after); it != response->end())
        retry_after = parse_retry_after(it->value(), std::chrono::system_clock::now());
      if (retry_after && *retry_after > retry_.max_retry_after) co_return std::move(*response);
    } else if (retries >= retry_.max_retries) {
      if (retries == 0) throw *failure;
      throw Error(failure->kind(), std::string(failure->what()) + ", still after " +
                                       std::to_string(retries) + " retries");
    }
    ++retries;
    co_await pause(next_retry_delay(retries, retry_after));
  }
}

asio::awaitable<Response> RegistryClient::send_once(http::request<http::string_body>& request,
                                                    const Url& url) {
  const auto verb = request.method();
  for (int attempt = 1;; ++attempt) {
    // GCC 12 miscompiles co_await inside a conditional expression, hence the if/else here.
    ConnectionPool::Lease lease;
    if (attempt == 1)
      lease = co_await pool_.acquire(url.origin);
    else
      lease = co_await pool_.acquire_fresh(url.origin);
    try {
      ++requests_;
      co_await lease.connection->write(request);
      auto response = co_await lease.connection->read(verb == http::verb::head);
      pool_.release(std::move(lease.connection));
      co_return response;
    } catch (const Error& e) {
      // A pooled connection the registry closed while it sat idle fails on first use; sending
      // again at once on a new connection is not a retry, the request never reached anyone.
      if (!lease.reused || attempt > 1 || e.kind() != ErrorKind::kTransport) throw;
    }
  }
}

asio::awaitable<Response> RegistryClient::send_body(http::request<http::buffer_body>& request,
                                                    const Url& url, std::uint64_t length,
                                                    BodyReader& body, const SentCallback& sent,
                                                    SessionAhead* ahead) {
  if (cancelled_) throw Error(ErrorKind::kCancelled, "push cancelled");
  co_await renew_token_if_due();
  authorize(request, url);
  request.set(http::field::content_type, "application/octet-stream");
  request.content_length(length);
  auto lease = co_await pool_.acquire(url.origin);
  auto& connection = *lease.connection;
  http::request_serializer<http::buffer_body> serializer(request);
  ++requests_;
  co_await connection.write_header(serializer);
  // With a file source the bytes go from page cache to socket, and the pipe only says how
  // many have been read and hashed. That needs a plain socket (no TLS to encrypt in between).
  const auto& file = body.file_source();
  if (file && !connection.is_plain())
    throw std::logic_error("a blob with a file source must go over plain HTTP");
  std::uint64_t remaining = length;
  do {
    std::span<const std::byte> piece;
    std::size_t count = 0;
    try {
      if (cancelled_) throw Error(ErrorKind::kCancelled, "push cancelled");
      // From a file, a whole count goes to sendfile at once; bytes go in kWritePiece pieces.
      if (remaining > 0 && file) count = co_await body.next_count(remaining);
      if (remaining > 0 && !file) {
        piece = co_await body.next(std::min<std::uint64_t>(remaining, kWritePiece));
        count = piece.size();
      }
    } catch (...) {
      // Closing mid-body guarantees the registry never commits a partial or corrupt blob.
      connection.abort();
      throw;
    }
    remaining -= count;
    if (file)
      co_await connection.send_file_range(file->fd, file->offset + body.consumed() - count, count);
    else
      co_await connection.write_body(serializer, request, piece, remaining == 0);
    if (sent && count > 0) sent(count);
  } while (remaining > 0);
  // Only on the registry's own origin: a session opened elsewhere would not be this repository's.
  std::optional<http::request<http::string_body>> post;
  const Url uploads = api("blobs/uploads/");
  if (ahead && ahead->wanted && url.origin == base_.origin) {
    post = this->request(http::verb::post, uploads);
    authorize(*post, uploads);
    post->prepare_payload();
    ++requests_;
    co_await connection.write(*post);
  }
  auto response = co_await connection.read(false);
  if (post && connection.reusable()) {
    try {
      auto opened = co_await connection.read(false);
      if (opened.result() == http::status::accepted)
        ahead->opened = accept_session(uploads, opened);
    } catch (const Error&) {
      // Only an optimisation: the next blob opens its session itself.
    }
  }
  pool_.release(std::move(lease.connection));
  co_return response;
}

}  // namespace layerpush::engine
