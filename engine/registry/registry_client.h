// The push half of the OCI distribution API for one repository: blob existence checks, uploads
// (whole or in chunks, resumable), and manifests (put, read back, and looked up by tag; in
// registry_manifests.cpp). Requests go over the shared ConnectionPool.
// Lives on the network thread; one client serves many concurrent blob coroutines, which share
// its token (one token request, not one per blob) and what it learned about the registry.
//
// Requests without a streamed body are retried here (transient failures, 307/308 redirects, a
// token that ran out); requests with one are not, because only the caller can produce the body
// again: their failures come back as engine::Error with a Recovery saying what may help.
#pragma once

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/auth/auth_challenge.h"
#include "engine/auth/credentials.h"
#include "engine/http/body_reader.h"
#include "engine/http/connection_pool.h"
#include "engine/registry/retry_policy.h"
#include "engine/registry/upload_url.h"
#include "engine/util/error.h"
#include "hashing/digest.h"

namespace layerpush::engine {

using Response = http::response<http::string_body>;
// Called with the number of body bytes just written, for progress and throughput.
using SentCallback = std::function<void(std::uint64_t)>;

// A body request the registry answered with 307/308: send it again, whole, to `to`.
class Redirected : public Error {
 public:
  Redirected(Url to, const std::string& message)
      : Error(ErrorKind::kRegistry, message, Recovery::kRetry), to_(std::move(to)) {}
  const Url& to() const { return to_; }

 private:
  Url to_;
};

// A POST for another blob's upload session, sent on the same connection right behind a blob's
// PUT (pipelined): the registry handles it once that PUT is done, so the sessions it holds open
// never outnumber the connections, and the next blob does not wait a round trip for its own.
struct SessionAhead {
  bool wanted = false;
  std::optional<Url> opened;  // set when the registry opened it
};

class RegistryClient {
 public:
  // `base` is the registry's root URL; `repository` e.g. "team/app" (empty: a login check).
  RegistryClient(Url base, std::string repository, ConnectionPool& pool,
                 RetrySettings retry = {});

  // Asks GET /v2/ how the registry wants to be authenticated and sets up every later request
  // accordingly: nothing, Basic with `credentials`, or a Bearer token for
  // repository:NAME:pull,push from the challenge's realm (renewed before it expires and when the
  // registry answers 401 part way). Throws engine::Error(kRegistry) when credentials are needed
  // but missing or refused; messages never hold a secret.
  // `ping`, when given, is an answer to GET /v2/ already in hand (check_presence's), used
  // instead of asking again if it is a 200 or a 401.
  asio::awaitable<void> authenticate(const std::optional<Credentials>& credentials,
                                     const Response* ping = nullptr);

  asio::awaitable<bool> blob_exists(const hashing::Digest& digest);
  // What the registry holds of an image, asked in one round trip: a HEAD per blob and, when
  // `manifest_reference` is given, one for the manifest it names, pipelined on up to
  // `connections` connections (HTTP/1.1 sends them back to back; the registry answers each
  // connection's in order). Only an optimisation:
  // an entry is nullopt where no plain answer came (the connection closed part way, a token
  // ran out, any status but 200 and 404), and the caller asks that one again on its own.
  // With `ping`, a GET /v2/ goes first, for authenticate(): before it, the registry's answers
  // count only if the GET's is a 200 (no authentication wanted).
  // The digests `open` names (indices into `digests`, at most one per connection) are asked
  // instead with POST blobs/uploads/?mount=D&from=NAME, a mount from this same repository: 201
  // says the blob is in, and 202 that it is not, with an upload session opened for it (its
  // Location in `sessions`). A missing blob's upload then starts without a round trip of its
  // own, and a blob that is there opens no session (PROTOCOL.md: a registry that cannot mount
  // answers 202, as it does for a blob it lacks).
  struct Presence {
    std::optional<Response> ping;
    std::vector<std::optional<bool>> blobs;  // in the order of `digests`
    std::vector<std::optional<Url>> sessions;  // in the order of `digests`
    bool manifest_answered = false;
    std::optional<hashing::Digest> manifest;  // what the reference names; nullopt: nothing
  };
  asio::awaitable<Presence> check_presence(const std::vector<hashing::Digest>& digests,
                                           const std::optional<std::string>& manifest_reference,
                                           std::size_t connections, bool ping = false,
                                           const std::vector<std::size_t>& open = {});
  // POST /v2/NAME/blobs/uploads/; returns the upload session's Location.
  asio::awaitable<Url> start_upload();
  // Where an upload session stands: GET LOCATION answers 204 with the newest Location and a
  // Range of the bytes held. Nullopt when the registry no longer knows the session (expired,
  // or invalidated by a body that broke off), so the caller starts a fresh one. `acked` is the
  // offset the client last saw acknowledged; it settles distribution's ambiguous "0-0".
  struct UploadStatus {
    Url location;
    std::uint64_t held = 0;
  };
  asio::awaitable<std::optional<UploadStatus>> upload_status(const Url& location,
                                                             std::uint64_t acked);
  // Sends the whole blob in one PUT LOCATION&digest=D with Content-Length, and when `ahead`
  // wants one, the POST of the next session behind it.
  asio::awaitable<void> put_whole_blob(const Url& location, const hashing::Digest& digest,
                                       std::uint64_t size, BodyReader& body,
                                       const SentCallback& sent, SessionAhead* ahead = nullptr);
  // Sends bytes [offset, offset+length) as one PATCH with Content-Range; returns the new Location.
  asio::awaitable<Url> patch_chunk(const Url& location, std::uint64_t offset, std::uint64_t length,
                                   BodyReader& body, const SentCallback& sent);
  // Commits a chunked upload: PUT LOCATION&digest=D with no body.
  asio::awaitable<void> finish_upload(const Url& location, const hashing::Digest& digest);
  // Cross-repository mount (registry_mount.cpp): POST blobs/uploads/?mount=DIGEST&from=FROM.
  // 201: the blob is in (`mounted`); 202: the registry opened an upload session instead
  // (`session`, to send into without another POST); any other answer (401, 403, 404, ...):
  // neither, and the caller uploads as usual.
  struct MountResult {
    bool mounted = false;
    std::optional<Url> session;
  };
  asio::awaitable<MountResult> mount_blob(const hashing::Digest& digest, const std::string& from);
  // Abandons an upload session. Failures are ignored: the registry expires sessions itself.
  asio::awaitable<void> cancel_upload(const Url& location);
  // PUT /v2/NAME/manifests/REF with the exact bytes; returns the digest the registry reports
  // (checked against the bytes' own digest). A registry that keeps tags immutable is reported
  // as such (exit 1, never retried).
  asio::awaitable<hashing::Digest> put_manifest(const std::string& reference,
                                                const std::string& bytes,
                                                const std::string& media_type);
  // A manifest as the registry serves it: the exact bytes, the media type to put them back
  // with, and their SHA-256.
  struct Manifest {
    std::string bytes;
    std::string media_type;
    hashing::Digest digest;
  };
  // GET /v2/NAME/manifests/REF, accepting every OCI and Docker manifest and index type. The
  // bytes' digest is checked against Docker-Content-Digest and, when REF is a digest, against
  // REF. A registry without that manifest (404: MANIFEST_UNKNOWN, NAME_UNKNOWN) is an
  // engine::Error(kRegistry) naming host, repository and REF.
  asio::awaitable<Manifest> get_manifest(const std::string& reference);
  // The digest of the manifest REF names now, nullopt when there is none (404): HEAD's
  // Docker-Content-Digest, or a GET and its bytes' SHA-256 when a registry leaves it out.
  asio::awaitable<std::optional<hashing::Digest>> manifest_digest(const std::string& reference);
  // DELETE /v2/NAME/manifests/DIGEST (registries delete by digest only). False when the registry
  // does not allow deleting (405, or the UNSUPPORTED error code: distribution's default); any
  // other refusal is an engine::Error(kRegistry).
  asio::awaitable<bool> delete_manifest(const hashing::Digest& digest);

  // Every tag of the repository (GET /v2/NAME/tags/list), following the Link rel="next" pages a
  // registry splits a long list into; in the registry's order. A repository the registry does
  // not know is an engine::Error(kRegistry) naming host and repository (registry_tags.cpp).
  // Pages are asked for `page_size` tags at a time: large, so a repository with thousands of
  // tags costs a few round trips; registries that cap it lower (Docker Hub: 100) just send more.
  asio::awaitable<std::vector<std::string>> list_tags(std::size_t page_size = 1000);

  // Asks tokens for repository:NAME:pull too (before this repository's own scope, as some
  // registries read only the first), so blobs can be mounted from NAME. Call before
  // authenticate().
  void add_pull_scope(const std::string& repository) { pull_scopes_.push_back(repository); }
  // Where GET reads a blob of this repository, and the Authorization header that reads it (a
  // secret: for another client's request, never for a message), for `copy` streaming blobs.
  Url blob_url(const hashing::Digest& digest) const { return api("blobs/" + digest.str()); }
  const std::string& authorization() const { return authorization_; }

  // Fetches a new token after the registry refused the current one part way (no-op for Basic).
  asio::awaitable<void> renew_authorization();
  // Waits `delay` on the network thread, ending early once the push is cancelled.
  asio::awaitable<void> pause(std::chrono::milliseconds delay);
  // The backoff before retry `retry` (1-based) of a request or chunk; counts the retry.
  std::chrono::milliseconds next_retry_delay(int retry,
                                             std::optional<std::chrono::milliseconds> retry_after);
  const RetrySettings& retry_settings() const { return retry_; }

  // What the registry told about request sizes: the smallest chunk it accepts
  // (OCI-Chunk-Min-Length) and the largest body it took after refusing a larger one (0: none).
  std::uint64_t min_chunk() const { return min_chunk_; }
  std::uint64_t body_limit() const { return body_limit_; }
  void limit_body(std::uint64_t bytes) { body_limit_ = bytes; }

  // Set from any thread to make in-flight bodies stop at the next piece.
  void cancel() { cancelled_ = true; }
  bool cancelled() const { return cancelled_; }
  std::uint64_t requests_sent() const { return requests_; }
  std::uint64_t retries() const { return retries_; }
  std::string where() const;  // "HOST/REPO" for messages

 private:
  // kBestEffort: to the registry even once the push is cancelled, and once only: no retry, no
  // new token for a 401 (distribution refuses every DELETE to tokens without admin rights).
  enum class Target { kRegistry, kBestEffort, kTokenServer };
  Url api(const std::string& path_under_repository) const;
  // Requests are built by the caller as named objects: GCC 12 coroutines mishandle temporaries
  // bound to reference parameters of an awaited call.
  http::request<http::string_body> request(http::verb verb, const Url& url) const;
  template <class Request>
  void prepare(Request& request, const Url& url, http::verb verb) const;
  // Authorization only for the registry's own origin, never for a host it redirects or points to.
  template <class Request>
  void authorize(Request& request, const Url& url) const;

  // /v2/NAME/manifests/REF, and a GET or HEAD of it accepting every manifest and index type.
  Url manifest_url(const std::string& reference) const;
  http::request<http::string_body> manifest_request(http::verb verb, const Url& url) const;
  asio::awaitable<Response> ask_for_manifest(http::verb verb, const std::string& reference);
  // The digest a manifest answer names in Docker-Content-Digest; the header is optional in the
  // OCI spec (and may name another algorithm), so nullopt says nothing.
  static std::optional<hashing::Digest> named_digest(const Response& response);
  // A blob HEAD's plain answers: there (200) or not (404); nullopt for anything else.
  static std::optional<bool> blob_answer(const Response& response);
  // Sends a request without a streamed body, with retries, redirects and token renewal.
  asio::awaitable<Response> send(http::request<http::string_body>& request, Url url,
                                 Target target = Target::kRegistry);
  // Sends requests without bodies back to back on one connection, then reads their answers in
  // order (registry_pipeline.cpp). One attempt, no retries: an unanswered request is nullopt.
  asio::awaitable<std::vector<std::optional<Response>>> send_pipelined(
      std::vector<http::request<http::string_body>>& requests);
  // check_presence()'s work on one connection: the blobs `which` names (asked with a HEAD, or
  // for `opened` with the POST that opens a session), and the manifest.
  asio::awaitable<void> check_some(const std::vector<hashing::Digest>& digests,
                                   std::vector<std::size_t> which,
                                   std::optional<std::size_t> opened,
                                   const std::optional<std::string>& manifest_reference, bool ping,
                                   Presence& presence);
  // POST blobs/uploads/?mount=DIGEST&from=FROM.
  Url mount_url(const hashing::Digest& digest, const std::string& from) const;
  // One attempt, on a fresh connection once more if a pooled one turns out to be closed.
  asio::awaitable<Response> send_once(http::request<http::string_body>& request, const Url& url);
  // Sends a request whose `length`-byte body is streamed from `body`. One attempt. With an
  // `ahead` that wants one, a POST for a new session follows on the same connection.
  asio::awaitable<Response> send_body(http::request<http::buffer_body>& request, const Url& url,
                                      std::uint64_t length, BodyReader& body,
                                      const SentCallback& sent, SessionAhead* ahead = nullptr);
  // The session a POST blobs/uploads/ answer opened (its Location), noting the registry's
  // smallest chunk; `url` is the POST's.
  Url accept_session(const Url& url, const Response& response);
  // Turns the answer to a body request into an Error with the Recovery that may help.
  void check_body_response(const Url& url, const Response& response,
                           std::initializer_list<unsigned> accepted, std::string_view what) const;

  // Tokens (registry_auth.cpp).
  struct TokenGrant {
    std::string token;
    std::chrono::seconds lifetime;
  };
  asio::awaitable<TokenGrant> fetch_token(const AuthChallenge& challenge,
                                          const std::optional<Credentials>& credentials);
  // The OAuth2 refresh-token form; nullopt when the server wants the GET instead.
  asio::awaitable<std::optional<TokenGrant>> fetch_token_by_refresh(
      const Url& realm, const std::string& query, const Credentials& credentials);
  TokenGrant grant_from(const Response& response, const Url& server, std::string_view how) const;
  void accept_token(const TokenGrant& grant);
  asio::awaitable<void> renew_token_if_due();
  // Renews the token unless someone already did since `seen_generation`; concurrent callers
  // wait for the one renewal in flight.
  asio::awaitable<void> renew_token(int seen_generation);

  [[noreturn]] void refuse(std::string_view what, const Response& response) const;
  Url location_of(const Url& request_url, const Response& response, std::string_view what) const;
  void check_digest_header(const Response& response, const hashing::Digest& expected,
                           std::string_view what) const;

  Url base_;
  std::string repository_;
  std::vector<std::string> pull_scopes_;  // other repositories tokens also read (mount sources)
  ConnectionPool& pool_;
  RetrySettings retry_;
  std::mt19937 jitter_{std::random_device{}()};
  std::string authorization_;  // the Authorization header value; a secret
  struct Bearer {
    AuthChallenge challenge;
    std::optional<Credentials> credentials;
    std::chrono::steady_clock::time_point renew_at;
    int generation = 0;  // counts renewals, so a 401 renews a token at most once
    bool renewing = false;
  };
  std::optional<Bearer> bearer_;
  std::unique_ptr<asio::steady_timer> renewed_;  // cancelled to wake waiters when a renewal ends
  std::uint64_t min_chunk_ = 0;
  std::uint64_t body_limit_ = 0;
  std::atomic<bool> cancelled_ = false;
  std::uint64_t requests_ = 0;
  std::uint64_t retries_ = 0;
};

}  // namespace layerpush::engine
