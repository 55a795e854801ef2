// How RegistryClient authenticates: the GET /v2/ challenge, Basic credentials, and Bearer tokens
// from the challenge's realm, fetched with Basic credentials (GET) or with an identity token
// (the OAuth2 POST form, falling back to GET where a server refuses the POST), kept fresh
// before they expire and renewed once when the registry answers 401 part way.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <nlohmann/json.hpp>

#include "engine/registry/registry_client.h"
#include "engine/registry/registry_errors.h"

namespace layerpush::engine {
namespace {
constexpr std::string_view kUserAgent = "layerpush/0.1";
constexpr std::string_view kClientId = "layerpush";
// The distribution token spec's default lifetime when a server gives none.
constexpr std::chrono::seconds kDefaultTokenLifetime{60};

// Percent-encodes a query or form value (RFC 3986 unreserved characters stay as they are).
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

http::request<http::string_body> token_request(http::verb verb, const Url& url) {
  http::request<http::string_body> ask;
  ask.version(11);
  ask.method(verb);
  ask.target(url.target);
  ask.set(http::field::host, url.origin.host_header());
  ask.set(http::field::user_agent, kUserAgent);
  return ask;
}
// Names what a registry refused at login, without any secret.
std::string what_was_refused(const std::optional<Credentials>& credentials, bool fetched_token) {
  if (!credentials) return "anonymous access";
  if (!credentials->registry_token.empty()) return "the registry token from the docker config";
  const std::string who = credentials->username.empty() || credentials->username == "<token>"
                              ? "the identity token"
                              : "user " + credentials->username;
  return fetched_token ? "the token issued for " + who : "the credentials of " + who;
}
}  // namespace

asio::awaitable<void> RegistryClient::authenticate(const std::optional<Credentials>& credentials,
                                                   const Response* ping) {
  Url url = base_;
  url.target = "/v2/";
  Response response;
  if (ping &&
      (ping->result() == http::status::ok || ping->result() == http::status::unauthorized)) {
    response = *ping;
  } else {
    auto ask = request(http::verb::get, url);
    response = co_await send(ask, url);
  }
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
  } else if (challenge->scheme == "bearer" && credentials && !credentials->registry_token.empty()) {
    // A token the user already holds goes to the registry as it is; it cannot be renewed.
    authorization_ = "Bearer " + credentials->registry_token;
  } else if (challenge->scheme == "bearer") {
    bearer_ = Bearer{*challenge, credentials, {}, 0, false};
    const TokenGrant grant = co_await fetch_token(*challenge, credentials);
    accept_token(grant);
  } else {
    throw Error(ErrorKind::kRegistry,
                host + " asks for the unsupported authentication scheme " + challenge->scheme);
  }
  // One more GET /v2/ tells a refused login apart from a later, vaguer 401 on the first blob.
  auto check = request(http::verb::get, url);
  auto verdict = co_await send(check, url);
  if (verdict.result() == http::status::unauthorized)
    throw Error(ErrorKind::kRegistry,
                "authentication to " + host + " failed: the registry refused " +
                    what_was_refused(credentials, bearer_.has_value()));
  if (verdict.result() != http::status::ok)
    refuse("checking the login to " + host, verdict);
}

void RegistryClient::accept_token(const TokenGrant& grant) {
  authorization_ = "Bearer " + grant.token;
  // Renewed a little before it runs out: a quarter of its life early, at most 10 s early.
  const auto early = std::min<std::chrono::milliseconds>(grant.lifetime / 4, std::chrono::seconds(10));
  bearer_->renew_at = std::chrono::steady_clock::now() + grant.lifetime - early;
  ++bearer_->generation;
}

asio::awaitable<void> RegistryClient::renew_token_if_due() {
  // While one renewal is in flight the others carry on with the old token, still valid.
  if (bearer_ && !bearer_->renewing && std::chrono::steady_clock::now() >= bearer_->renew_at)
    co_await renew_token(bearer_->generation);
}

asio::awaitable<void> RegistryClient::renew_authorization() {
  if (bearer_) co_await renew_token(bearer_->generation);
}

asio::awaitable<void> RegistryClient::renew_token(int seen_generation) {
  if (!renewed_) {
    auto executor = co_await asio::this_coro::executor;
    renewed_ = std::make_unique<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
  }
  while (bearer_->renewing) {
    boost::system::error_code woken;  // the renewing coroutine cancels the timer when it is done
    co_await renewed_->async_wait(asio::redirect_error(asio::use_awaitable, woken));
  }
  if (bearer_->generation != seen_generation) co_return;  // renewed while we waited
  bearer_->renewing = true;
  std::exception_ptr failure;
  TokenGrant grant;
  try {
    grant = co_await fetch_token(bearer_->challenge, bearer_->credentials);
  } catch (...) {
    failure = std::current_exception();
  }
  bearer_->renewing = false;
  renewed_->cancel();
  if (failure) std::rethrow_exception(failure);
  accept_token(grant);
}

asio::awaitable<RegistryClient::TokenGrant> RegistryClient::fetch_token(
    const AuthChallenge& challenge, const std::optional<Credentials>& credentials) {
  Url url = parse_url(challenge.param("realm"));
  std::string query;
  if (const auto service = challenge.param("service"); !service.empty())
    query = "service=" + query_escape(service);
  // No repository (a login check): a token for no scope just proves the credentials.
  // Scopes for mount sources first: some registries read only the first scope.
  if (!repository_.empty()) {
    for (const auto& from : pull_scopes_)
      query += (query.empty() ? "" : "&") + ("scope=" + query_escape("repository:" + from + ":pull"));
    query += (query.empty() ? "" : "&") + ("scope=" + query_escape("repository:" + repository_ + ":pull,push"));
  }
  std::optional<Credentials> basic = credentials;
  if (credentials && !credentials->identity_token.empty()) {
    auto grant = co_await fetch_token_by_refresh(url, query, *credentials);
    if (grant) co_return *grant;
    // The server refused the POST form: the identity token goes as a Basic password instead.
    basic = Credentials{credentials->username.empty() ? "<token>" : credentials->username,
                        credentials->identity_token, "", ""};
  }
  if (!query.empty()) url.target += (url.target.find('?') == std::string::npos ? "?" : "&") + query;
  // The token server is asked with its own request: Basic credentials, if any, go only there.
  auto ask = token_request(http::verb::get, url);
  if (basic && !basic->username.empty())
    ask.set(http::field::authorization, "Basic " + basic_token(*basic));
  auto response = co_await send(ask, url, Target::kTokenServer);
  co_return grant_from(response, url, "");
}

asio::awaitable<std::optional<RegistryClient::TokenGrant>> RegistryClient::fetch_token_by_refresh(
    const Url& realm, const std::string& query, const Credentials& credentials) {
  auto post = token_request(http::verb::post, realm);
  post.set(http::field::content_type, "application/x-www-form-urlencoded");
  post.body() = "grant_type=refresh_token&client_id=" + std::string(kClientId) +
                "&refresh_token=" + query_escape(credentials.identity_token) +
                (query.empty() ? "" : "&" + query);
  auto response = co_await send(post, realm, Target::kTokenServer);
  const unsigned status = response.result_int();
  // GCR answers 404, Artifactory 401, ACR 400, others 405: they want the GET with Basic auth.
  if (status == 400 || status == 401 || status == 404 || status == 405) co_return std::nullopt;
  co_return grant_from(response, realm, " (with the identity token)");
}

RegistryClient::TokenGrant RegistryClient::grant_from(const Response& response, const Url& server,
                                                      std::string_view how) const {
  const std::string name = server.origin.host_header();
  if (response.result() != http::status::ok)
    throw Error(ErrorKind::kRegistry,
                "authentication to " + base_.origin.host_header() + " failed: the token server " +
                    name + " answered " +
                    describe_error_response(response.result_int(), response.reason(), "") +
                    std::string(how));
  const auto doc = nlohmann::json::parse(response.body(), nullptr, /*allow_exceptions=*/false);
  TokenGrant grant{"", kDefaultTokenLifetime};
  for (const char* key : {"token", "access_token"})
    if (grant.token.empty() && doc.is_object() && doc.contains(key) && doc[key].is_string())
      grant.token = doc[key].get<std::string>();
  if (grant.token.empty())
    throw Error(ErrorKind::kRegistry, "the token server " + name + " answered without a token");
  if (doc.contains("expires_in") && doc["expires_in"].is_number_integer() &&
      doc["expires_in"].get<long long>() > 0)
    grant.lifetime = std::chrono::seconds(doc["expires_in"].get<long long>());
  return grant;
}

}  // namespace layerpush::engine
