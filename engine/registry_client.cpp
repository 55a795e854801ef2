#include "engine/registry_client.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "engine/error.h"
#include "engine/registry_errors.h"
#include "hashing/sha256.h"

namespace layerpush::engine {
namespace {
constexpr std::string_view kUserAgent = "layerpush/0.1";
// Largest piece handed to one write: big enough that syscalls are amortized, small enough that a
// cancelled push notices within a few milliseconds.
constexpr std::size_t kWritePiece = 256 << 10;

// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
std::string query_escape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}
}  // namespace

template <class Request>
void RegistryClient::prepare(Request& request, const Url& url, http::verb verb) const {
  request.version(11);
  request.method(verb);
  request.target(url.target);
  request.set(http::field::host, url.origin.host_header());
  request.set(http::field::user_agent, kUserAgent);
  if (!authorization_.empty() && url.origin == base_.origin)
    request.set(http::field::authorization, authorization_);
}

RegistryClient::RegistryClient(Url base, std::string repository, ConnectionPool& pool)
    : base_(std::move(base)), repository_(std::move(repository)), pool_(pool) {}

std::string RegistryClient::where() const {
  return base_.origin.host_header() + "/" + repository_;
}

Url RegistryClient::api(const std::string& path) const {
  Url url = base_;
  url.target = "/v2/" + repository_ + "/" + path;
  return url;
}

void RegistryClient::refuse(std::string_view what, const Response& response) const {
  throw Error(ErrorKind::kRegistry,
              std::string(what) + " was refused: " +
                  describe_error_response(response.result_int(), response.reason(),
                                          response.body()));
}

Url RegistryClient::location_of(const Url& request_url, const Response& response,
                                std::string_view what) const {
  auto it = response.find(http::field::location);
  if (it == response.end())
    throw Error(ErrorKind::kRegistry, std::string(what) + " got no Location header");
  return resolve_location(request_url, it->value());
}

void RegistryClient::check_digest_header(const Response& response, const hashing::Digest& expected,
                                         std::string_view what) const {
  auto it = response.find("Docker-Content-Digest");
  if (it != response.end() && it->value() != expected.str())
    throw Error(ErrorKind::kRegistry, std::string(what) + ": registry reports digest " +
                                          std::string(it->value()) + ", expected " + expected.str());
}

http::request<http::string_body> RegistryClient::request(http::verb verb, const Url& url) const {
  http::request<http::string_body> request;
  prepare(request, url, verb);
  return request;
}

asio::awaitable<Response> RegistryClient::send(http::request<http::string_body>& request,
                                               const Url& url, bool even_if_cancelled) {
  const auto verb = request.method();
  request.prepare_payload();
  for (int attempt = 1;; ++attempt) {
    if (cancelled_ && !even_if_cancelled) throw Error(ErrorKind::kCancelled, "push cancelled");
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
      // A pooled connection the registry closed while it sat idle fails on first use; these
      // requests carry no streamed body, so sending them again on a new connection is safe.
      if (!lease.reused || attempt > 1 || e.kind() != ErrorKind::kTransport) throw;
    }
  }
}

asio::awaitable<Response> RegistryClient::send_body(http::request<http::buffer_body>& request,
                                                    const Url& url, std::uint64_t length,
                                                    BodyReader& body, const SentCallback& sent) {
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
  auto response = co_await connection.read(false);
  pool_.release(std::move(lease.connection));
  co_return response;
}

asio::awaitable<void> RegistryClient::authenticate(
    const std::optional<Credentials>& credentials) {
  Url url = base_;
  url.target = "/v2/";
  auto ping = request(http::verb::get, url);
  auto response = co_await send(ping, url);
  if (response.result() == http::status::ok) co_return;
  const std::string host = base_.origin.host_header();
  if (response.result() != http::status::unauthorized)
    refuse("checking that " + host + " is a registry (GET /v2/)", response);
  auto header = response.find(http::field::www_authenticate);
  auto challenge = header == response.end() ? std::nullopt : parse_auth_challenge(header->value());
  if (!challenge)
    throw Error(ErrorKind::kRegistry, host + " asks for authentication without a usable challenge");
  if (challenge->scheme == "basic") {
    if (!credentials || credentials->username.empty())
      throw Error(ErrorKind::kRegistry, host + " requires authentication; log in with `docker login " +
                                            host + "` or pass --authfile");
    authorization_ = "Basic " + basic_token(*credentials);
  } else if (challenge->scheme == "bearer") {
    const std::string token = co_await fetch_token(*challenge, credentials);
    authorization_ = "Bearer " + token;
  } else {
    throw Error(ErrorKind::kRegistry,
                host + " asks for the unsupported authentication scheme " + challenge->scheme);
  }
  // One more GET /v2/ tells a refused login apart from a later, vaguer 401 on the first blob.
  auto check = request(http::verb::get, url);
  auto verdict = co_await send(check, url);
  if (verdict.result() == http::status::unauthorized)
    throw Error(ErrorKind::kRegistry, "authentication to " + host + " failed: the registry refused " +
                                          (credentials ? "the credentials of user " + credentials->username
                                                       : std::string("anonymous access")));
  if (verdict.result() != http::status::ok)
    refuse("checking the login to " + host, verdict);
}

asio::awaitable<std::string> RegistryClient::fetch_token(
    const AuthChallenge& challenge, const std::optional<Credentials>& credentials) {
  const std::string realm = challenge.param("realm");
  Url url = parse_url(realm);
  // No repository (a login check): a token for no scope just proves the credentials.
  std::string query = repository_.empty()
                          ? std::string()
                          : "scope=" + query_escape("repository:" + repository_ + ":pull,push");
  if (const auto service = challenge.param("service"); !service.empty())
    query = "service=" + query_escape(service) + (query.empty() ? "" : "&" + query);
  if (!query.empty()) url.target += (url.target.find('?') == std::string::npos ? "?" : "&") + query;
  // The token server is asked with its own request: Basic credentials, if any, go only here.
  http::request<http::string_body> ask;
  ask.version(11);
  ask.method(http::verb::get);
  ask.target(url.target);
  ask.set(http::field::host, url.origin.host_header());
  ask.set(http::field::user_agent, kUserAgent);
  // An identity token alone (no user name) is exchanged by the OAuth form, which is not done
  // yet: such a login asks anonymously and fails later with the registry's own refusal.
  if (credentials && !credentials->username.empty())
    ask.set(http::field::authorization, "Basic " + basic_token(*credentials));
  auto response = co_await send(ask, url);
  if (response.result() != http::status::ok)
    throw Error(ErrorKind::kRegistry,
                "authentication to " + base_.origin.host_header() + " failed: the token server " +
                    url.origin.host_header() + " answered " +
                    describe_error_response(response.result_int(), response.reason(), ""));
  const auto doc = nlohmann::json::parse(response.body(), nullptr, /*allow_exceptions=*/false);
  for (const char* key : {"token", "access_token"})
    if (doc.is_object() && doc.contains(key) && doc[key].is_string() && !doc[key].get<std::string>().empty())
      co_return doc[key].get<std::string>();
  throw Error(ErrorKind::kRegistry, "the token server " + url.origin.host_header() +
                                        " answered without a token");
}

asio::awaitable<bool> RegistryClient::blob_exists(const hashing::Digest& digest) {
  const Url url = api("blobs/" + digest.str());
  auto head = request(http::verb::head, url);
  auto response = co_await send(head, url);
  if (response.result() == http::status::ok) co_return true;
  if (response.result() == http::status::not_found) co_return false;
  refuse("checking blob " + digest.str() + " on " + where(), response);
}

asio::awaitable<Url> RegistryClient::start_upload() {
  const Url url = api("blobs/uploads/");
  auto post = request(http::verb::post, url);
  auto response = co_await send(post, url);
  if (response.result() != http::status::accepted)
    refuse("starting a blob upload to " + where(), response);
  co_return location_of(url, response, "starting a blob upload to " + where());
}

asio::awaitable<void> RegistryClient::put_whole_blob(const Url& location,
                                                     const hashing::Digest& digest,
                                                     std::uint64_t size, BodyReader& body,
                                                     const SentCallback& sent) {
  Url url = location;
  url.target = with_digest(location.target, digest.str());
  http::request<http::buffer_body> put;
  prepare(put, url, http::verb::put);
  auto response = co_await send_body(put, url, size, body, sent);
  co_await body.expect_end();
  const std::string what = "uploading blob " + digest.str() + " to " + where();
  // 201 is the spec's answer; some registries answer 200, 202 or 204 for the same success.
  const auto status = response.result_int();
  if (status != 201 && status != 200 && status != 202 && status != 204) refuse(what, response);
  check_digest_header(response, digest, what);
}

asio::awaitable<Url> RegistryClient::patch_chunk(const Url& location, std::uint64_t offset,
                                                 std::uint64_t length, BodyReader& body,
                                                 const SentCallback& sent) {
  const std::string range = content_range(offset, length);
  http::request<http::buffer_body> patch;
  prepare(patch, location, http::verb::patch);
  patch.set(http::field::content_range, range);
  auto response = co_await send_body(patch, location, length, body, sent);
  const std::string what = "uploading bytes " + range + " to " + where();
  // 202 is the spec's answer; ECR answers 201.
  if (response.result_int() != 202 && response.result_int() != 201) refuse(what, response);
  // The registry says how much it holds; anything but our own end means bytes went missing.
  // ("0-0" is ambiguous on distribution 2.8.2, so it only ever agrees with a first byte.)
  const std::uint64_t end = offset + length - 1;
  if (auto it = response.find(http::field::range); it != response.end()) {
    auto held = parse_range_end(it->value());
    if (held && *held != end && !(*held == 0 && end == 0))
      throw Error(ErrorKind::kRegistry, what + ": the registry holds bytes 0-" +
                                            std::to_string(*held) + ", expected 0-" +
                                            std::to_string(end));
  }
  co_return location_of(location, response, what);
}

asio::awaitable<void> RegistryClient::finish_upload(const Url& location,
                                                    const hashing::Digest& digest) {
  Url url = location;
  url.target = with_digest(location.target, digest.str());
  auto put = request(http::verb::put, url);
  auto response = co_await send(put, url);
  const std::string what = "committing blob " + digest.str() + " to " + where();
  const auto status = response.result_int();
  if (status != 201 && status != 200 && status != 202 && status != 204) refuse(what, response);
  check_digest_header(response, digest, what);
}

asio::awaitable<void> RegistryClient::cancel_upload(const Url& location) {
  try {
    auto del = request(http::verb::delete_, location);
    co_await send(del, location, /*even_if_cancelled=*/true);
  } catch (const Error&) {
    // Best effort: an abandoned session expires on the registry by itself.
  }
}

asio::awaitable<hashing::Digest> RegistryClient::put_manifest(const std::string& reference,
                                                              const std::string& bytes,
                                                              const std::string& media_type) {
  const auto digest = hashing::sha256_of(bytes);
  const Url url = api("manifests/" + reference);
  auto put = request(http::verb::put, url);
  put.set(http::field::content_type, media_type);
  put.body() = bytes;
  auto response = co_await send(put, url);
  const std::string what = "putting manifest " + reference + " on " + where();
  if (response.result_int() != 201 && response.result_int() != 200) refuse(what, response);
  check_digest_header(response, digest, what);
  co_return digest;
}

}  // namespace layerpush::engine
