// How RegistryClient handles manifests: putting one (last, after every blob it names), reading
// one back byte for byte with its media type, and asking which digest a tag points at.
#include "engine/registry/manifest_type.h"
#include "engine/registry/registry_client.h"
#include "engine/registry/registry_errors.h"
#include "hashing/sha256.h"

namespace layerpush::engine {

asio::awaitable<hashing::Digest> RegistryClient::put_manifest(const std::string& reference,
                                                              const std::string& bytes,
                                                              const std::string& media_type) {
  const auto digest = hashing::sha256_of(bytes);
  const Url url = api("manifests/" + reference);
  auto put = request(http::verb::put, url);
  put.set(http::field::content_type, media_type);
  put.body() = bytes;
  auto response = co_await send(put, url);
  const auto status = response.result_int();
  const std::string code = first_error_code(response.body());
  // Tag immutability, as registries say it: TAG_INVALID (ECR, distribution's legacy code),
  // 403 DENIED (Docker Hub, Harbor), 412 (older Harbor). Repeating cannot change the answer.
  const bool is_tag = reference.find(':') == std::string::npos;
  if (is_tag && (status == 412 || (status == 403 && code == "DENIED") ||
                 (status == 400 && code == "TAG_INVALID")))
    throw Error(ErrorKind::kRegistry,
                "tag " + reference + " is immutable on " + base_.origin.host_header() +
                    ": the registry refused to overwrite it in " + repository_ + " (" +
                    describe_error_response(status, response.reason(), response.body()) + ")");
  const std::string what = "putting manifest " + reference + " on " + where();
  if (status != 201 && status != 200) refuse(what, response);
  check_digest_header(response, digest, what);
  co_return digest;
}

Url RegistryClient::manifest_url(const std::string& reference) const {
  return api("manifests/" + reference);
}

http::request<http::string_body> RegistryClient::manifest_request(http::verb verb,
                                                                  const Url& url) const {
  auto ask = request(verb, url);
  ask.set(http::field::accept, manifest_accept());
  return ask;
}

asio::awaitable<Response> RegistryClient::ask_for_manifest(http::verb verb,
                                                           const std::string& reference) {
  const Url url = manifest_url(reference);
  auto ask = manifest_request(verb, url);
  auto response = co_await send(ask, url);
  co_return response;
}

std::optional<hashing::Digest> RegistryClient::named_digest(const Response& response) {
  if (auto it = response.find("Docker-Content-Digest"); it != response.end())
    return hashing::Digest::parse(it->value());
  return std::nullopt;
}

asio::awaitable<RegistryClient::Manifest> RegistryClient::get_manifest(
    const std::string& reference) {
  auto response = co_await ask_for_manifest(http::verb::get, reference);
  const auto status = response.result_int();
  // MANIFEST_UNKNOWN for a tag or digest the repository lacks, NAME_UNKNOWN for no repository.
  if (status == 404)
    throw Error(ErrorKind::kRegistry,
                where() + " has no manifest " + reference + ": " +
                    describe_error_response(status, response.reason(), response.body()));
  const std::string what = "reading manifest " + reference + " of " + where();
  if (status != 200) refuse(what, response);
  std::string_view content_type;
  if (auto it = response.find(http::field::content_type); it != response.end())
    content_type = std::string_view(it->value().data(), it->value().size());
  const std::string type = manifest_media_type(content_type, response.body());
  if (type.empty())
    throw Error(ErrorKind::kRegistry, what + ": the registry names no media type for it");
  auto digest = hashing::sha256_of(response.body());
  check_digest_header(response, digest, what);
  if (const auto named = hashing::Digest::parse(reference); named && *named != digest)
    throw Error(ErrorKind::kRegistry,
                what + ": the registry served bytes whose digest is " + digest.str());
  co_return Manifest{std::move(response.body()), type, std::move(digest)};
}

asio::awaitable<std::optional<hashing::Digest>> RegistryClient::manifest_digest(
    const std::string& reference) {
  auto response = co_await ask_for_manifest(http::verb::head, reference);
  const auto status = response.result_int();
  if (status == 404) co_return std::nullopt;
  if (status != 200) refuse("checking manifest " + reference + " on " + where(), response);
  if (auto digest = named_digest(response)) co_return digest;
  // Without the header the bytes decide.
  auto manifest = co_await get_manifest(reference);
  co_return manifest.digest;
}

asio::awaitable<bool> RegistryClient::delete_manifest(const hashing::Digest& digest) {
  const Url url = api("manifests/" + digest.str());
  auto remove = request(http::verb::delete_, url);
  auto response = co_await send(remove, url);
  const auto status = response.result_int();
  if (status == 202 || status == 200 || status == 204) co_return true;
  if (status == 405 || first_error_code(response.body()) == "UNSUPPORTED") co_return false;
  refuse("deleting manifest " + digest.str() + " of " + where(), response);
  co_return false;  // not reached: refuse() throws
}

}  // namespace layerpush::engine
