// The push half of the OCI distribution API for one repository: blob existence checks, uploads
// (whole or in chunks), and manifests. Requests go over the shared ConnectionPool. Lives on the
// network thread; one client may serve many concurrent blob coroutines.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "engine/auth_challenge.h"
#include "engine/body_reader.h"
#include "engine/credentials.h"
#include "engine/connection_pool.h"
#include "engine/upload_url.h"
#include "hashing/digest.h"

namespace layerpush::engine {

using Response = http::response<http::string_body>;
// Called with the number of body bytes just written, for progress and throughput.
using SentCallback = std::function<void(std::uint64_t)>;

class RegistryClient {
 public:
  // `base` is the registry's root URL; `repository` e.g. "team/app".
  RegistryClient(Url base, std::string repository, ConnectionPool& pool);

  // Asks GET /v2/ how the registry wants to be authenticated and sets up every later request
  // accordingly: nothing, Basic with `credentials`, or a Bearer token for
  // repository:NAME:pull,push from the challenge's realm. Throws engine::Error(kRegistry) when
  // credentials are needed but missing or refused; messages never hold a secret.
  asio::awaitable<void> authenticate(const std::optional<Credentials>& credentials);

  asio::awaitable<bool> blob_exists(const hashing::Digest& digest);
  // POST /v2/NAME/blobs/uploads/; returns the upload session's Location.
  asio::awaitable<Url> start_upload();
  // Sends the whole blob in one PUT LOCATION&digest=D with Content-Length.
  asio::awaitable<void> put_whole_blob(const Url& location, const hashing::Digest& digest,
                                       std::uint64_t size, BodyReader& body,
                                       const SentCallback& sent);
  // Sends bytes [offset, offset+length) as one PATCH with Content-Range; returns the new Location.
  asio::awaitable<Url> patch_chunk(const Url& location, std::uint64_t offset, std::uint64_t length,
                                   BodyReader& body, const SentCallback& sent);
  // Commits a chunked upload: PUT LOCATION&digest=D with no body.
  asio::awaitable<void> finish_upload(const Url& location, const hashing::Digest& digest);
  // Abandons an upload session. Failures are ignored: the registry expires sessions itself.
  asio::awaitable<void> cancel_upload(const Url& location);
  // PUT /v2/NAME/manifests/REF with the exact bytes; returns the digest the registry reports
  // (checked against the bytes' own digest).
  asio::awaitable<hashing::Digest> put_manifest(const std::string& reference,
                                                const std::string& bytes,
                                                const std::string& media_type);

  // Set from any thread to make in-flight bodies stop at the next piece.
  void cancel() { cancelled_ = true; }
  bool cancelled() const { return cancelled_; }
  std::uint64_t requests_sent() const { return requests_; }
  std::string where() const;  // "HOST/REPO" for messages

 private:
  Url api(const std::string& path_under_repository) const;
  // Requests are built by the caller as named objects: GCC 12 coroutines mishandle temporaries
  // bound to reference parameters of an awaited call.
  http::request<http::string_body> request(http::verb verb, const Url& url) const;
  // Sets the request line and headers every request carries; Authorization only for the
  // registry's own origin, never for a host it redirects or points to.
  template <class Request>
  void prepare(Request& request, const Url& url, http::verb verb) const;
  asio::awaitable<std::string> fetch_token(const AuthChallenge& challenge,
                                           const std::optional<Credentials>& credentials);
  // Sends a request without a streamed body, retrying once on a fresh connection when a pooled
  // one turns out to be closed.
  asio::awaitable<Response> send(http::request<http::string_body>& request, const Url& url,
                                 bool even_if_cancelled = false);
  // Sends a request whose `length`-byte body is streamed from `body`.
  asio::awaitable<Response> send_body(http::request<http::buffer_body>& request, const Url& url,
                                      std::uint64_t length, BodyReader& body,
                                      const SentCallback& sent);
  [[noreturn]] void refuse(std::string_view what, const Response& response) const;
  Url location_of(const Url& request_url, const Response& response, std::string_view what) const;
  void check_digest_header(const Response& response, const hashing::Digest& expected,
                           std::string_view what) const;

  Url base_;
  std::string repository_;
  ConnectionPool& pool_;
  std::string authorization_;  // the Authorization header value; a secret
  std::atomic<bool> cancelled_ = false;
  std::uint64_t requests_ = 0;
};

}  // namespace layerpush::engine
