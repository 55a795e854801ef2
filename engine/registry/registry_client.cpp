#include "engine/registry/registry_client.h"

#include <algorithm>
#include <charconv>

#include "engine/registry/registry_errors.h"

namespace layerpush::engine {
namespace {
constexpr std::string_view kUserAgent = "layerpush/0.1";

bool is_one_of(unsigned status, std::initializer_list<unsigned> statuses) {
  return std::find(statuses.begin(), statuses.end(), status) != statuses.end();
}

std::optional<std::uint64_t> header_number(const Response& response, std::string_view name) {
  auto it = response.find(name);
  if (it == response.end()) return std::nullopt;
  std::uint64_t value = 0;
  const auto text = it->value();
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}
}  // namespace

template <class Request>
void RegistryClient::prepare(Request& request, const Url& url, http::verb verb) const {
  request.version(11);
  request.method(verb);
  request.target(url.target);
  request.set(http::field::host, url.origin.host_header());
  request.set(http::field::user_agent, kUserAgent);
}

template <class Request>
void RegistryClient::authorize(Request& request, const Url& url) const {
  if (!authorization_.empty() && url.origin == base_.origin)
    request.set(http::field::authorization, authorization_);
  else
    request.erase(http::field::authorization);
}
template void RegistryClient::authorize(http::request<http::string_body>&, const Url&) const;
template void RegistryClient::authorize(http::request<http::buffer_body>&, const Url&) const;

RegistryClient::RegistryClient(Url base, std::string repository, ConnectionPool& pool,
                               RetrySettings retry)
    : base_(std::move(base)), repository_(std::move(repository)), pool_(pool), retry_(retry) {
  // ECR refuses chunks under 5 MiB (all but the last) without saying so in advance.
  if (base_.origin.host.find(".dkr.ecr.") != std::string::npos) min_chunk_ = 5 << 20;
}

std::string RegistryClient::where() const {
  return base_.origin.host_header() + "/" + repository_;
}

Url RegistryClient::api(const std::string& path) const {
  Url url = base_;
  url.target = "/v2/" + repository_ + "/" + path;
  return url;
}

void RegistryClient::refuse(std::string_view what, const Response& response) const {
  std::string why = describe_error_response(response.result_int(), response.reason(),
                                            response.body());
  if (is_transient_status(response.result_int()))
    why += ", still after " + std::to_string(retry_.max_retries) + " retries";
  throw Error(ErrorKind::kRegistry, std::string(what) + " was refused: " + why);
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

void RegistryClient::check_body_response(const Url& url, const Response& response,
                                         std::initializer_list<unsigned> accepted,
                                         std::string_view what) const {
  const unsigned status = response.result_int();
  if (is_one_of(status, accepted)) return;
  if (status == 307 || status == 308)
    throw Redirected(location_of(url, response, what), std::string(what) + " was redirected");
  const std::string message =
      std::string(what) + " was refused: " +
      describe_error_response(status, response.reason(), response.body());
  if (status == 401 && bearer_) throw Error(ErrorKind::kRegistry, message, Recovery::kReauthenticate);
  // 413 from a proxy's body limit; 416 from registries that cap a PATCH (GHCR: 4 MiB), or for a
  // range that does not follow what the registry holds, which the caller tells apart.
  if (status == 413 || status == 416) throw Error(ErrorKind::kRegistry, message, Recovery::kSmallerBody);
  if (is_transient_status(status)) {
    std::optional<std::chrono::milliseconds> retry_after;
    if (auto it = response.find(http::field::retry_after); it != response.end())
      retry_after = parse_retry_after(it->value(), std::chrono::system_clock::now());
    throw Error(ErrorKind::kRegistry, message, Recovery::kRetry, retry_after);
  }
  throw Error(ErrorKind::kRegistry, message);
}

http::request<http::string_body> RegistryClient::request(http::verb verb, const Url& url) const {
  http::request<http::string_body> request;
  prepare(request, url, verb);
  return request;
}

std::optional<bool> RegistryClient::blob_answer(const Response& response) {
  if (response.result_int() == 200) return true;
  if (response.result_int() == 404) return false;
  return std::nullopt;
}

asio::awaitable<bool> RegistryClient::blob_exists(const hashing::Digest& digest) {
  const Url url = blob_url(digest);
  auto head = request(http::verb::head, url);
  auto response = co_await send(head, url);
  if (auto there = blob_answer(response)) co_return *there;
  // Artifactory answers 403 for a blob it does not have; a real refusal shows at the POST.
  if (response.result_int() == 403) co_return false;
  refuse("checking blob " + digest.str() + " on " + where(), response);
}

asio::awaitable<Url> RegistryClient::start_upload() {
  const Url url = api("blobs/uploads/");
  auto post = request(http::verb::post, url);
  auto response = co_await send(post, url);
  if (response.result() != http::status::accepted)
    refuse("starting a blob upload to " + where(), response);
  co_return accept_session(url, response);
}

Url RegistryClient::accept_session(const Url& url, const Response& response) {
  if (auto minimum = header_number(response, "OCI-Chunk-Min-Length"))
    min_chunk_ = std::max(min_chunk_, *minimum);
  return location_of(url, response, "starting a blob upload to " + where());
}

asio::awaitable<std::optional<RegistryClient::UploadStatus>> RegistryClient::upload_status(
    const Url& location, std::uint64_t acked) {
  auto get = request(http::verb::get, location);
  auto response = co_await send(get, location);
  if (response.result_int() != 204 && response.result_int() != 200) co_return std::nullopt;
  UploadStatus status{location, 0};
  if (response.find(http::field::location) != response.end())
    status.location = location_of(location, response, "checking an upload on " + where());
  if (auto it = response.find(http::field::range); it != response.end()) {
    const auto end = parse_range_end(it->value());
    if (!end) co_return std::nullopt;
    // distribution 2.8.2 says "0-0" for zero bytes and for one.
    status.held = *end == 0 ? std::min<std::uint64_t>(acked, 1) : *end + 1;
  }
  co_return status;
}

asio::awaitable<void> RegistryClient::put_whole_blob(const Url& location,
                                                     const hashing::Digest& digest,
                                                     std::uint64_t size, BodyReader& body,
                                                     const SentCallback& sent,
                                                     SessionAhead* ahead) {
  Url url = location;
  url.target = with_digest(location.target, digest.str());
  http::request<http::buffer_body> put;
  prepare(put, url, http::verb::put);
  auto response = co_await send_body(put, url, size, body, sent, ahead);
  co_await body.expect_end();
  const std::string what = "uploading blob " + digest.str() + " to " + where();
  // 201 is the spec's answer; some registries answer 200, 202 or 204 for the same success.
  check_body_response(url, response, {201, 200, 202, 204}, what);
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
  check_body_response(location, response, {202, 201}, what);
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
  if (!is_one_of(status, {201, 200, 202, 204})) refuse(what, response);
  check_digest_header(response, digest, what);
}

asio::awaitable<void> RegistryClient::cancel_upload(const Url& location) {
  try {
    auto del = request(http::verb::delete_, location);
    co_await send(del, location, Target::kBestEffort);
  } catch (const Error&) {
    // Best effort: an abandoned session expires on the registry by itself.
  }
}

}  // namespace layerpush::engine
