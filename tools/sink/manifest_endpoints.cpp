// The sink's manifest endpoints: a put manifest is kept whole (they are small; the store bounds
// their number and bytes) so that a client reading it back, as skopeo and layerpush may after a
// push, gets the same bytes. Blobs a manifest references are not checked.
#include <string>

#include "hashing/sha256.h"
#include "tools/sink/connection.h"

namespace layerpush::sink {
namespace asio = boost::asio;

namespace {
// distribution's limit (PROTOCOL.md): larger manifests get 400 MANIFEST_INVALID.
constexpr std::uint64_t kManifestLimit = 4u << 20;

Reply unknown_manifest() {
  return error_reply(http::status::not_found, "MANIFEST_UNKNOWN", "manifest unknown");
}
}  // namespace

asio::awaitable<Reply> Connection::put_manifest(const Route& route) {
  const auto length = parser_->content_length();
  if (length && *length > kManifestLimit)
    co_return error_reply(http::status::bad_request, "MANIFEST_INVALID",
                          "manifest larger than 4 MiB");
  std::string body;
  bool too_large = false;
  co_await read_body(
      [&](std::span<const std::byte> piece) {
        if (too_large || body.size() + piece.size() > kManifestLimit) {
          too_large = true;  // a chunked body: read it to the end, keep none of it
          return;
        }
        body.append(reinterpret_cast<const char*>(piece.data()), piece.size());
      },
      false);
  if (broken_) co_return empty_reply(http::status::bad_request);  // not sent: the client left
  if (too_large)
    co_return error_reply(http::status::bad_request, "MANIFEST_INVALID",
                          "manifest larger than 4 MiB");
  auto manifest = std::make_shared<Manifest>();
  manifest->digest = hashing::sha256_of(body).str();
  if (route.id.starts_with("sha256:") && route.id != manifest->digest)
    co_return error_reply(http::status::bad_request, "DIGEST_INVALID",
                          "the manifest hashes to " + manifest->digest + ", not " + route.id);
  manifest->content_type = std::string(parser_->get()[http::field::content_type]);
  manifest->body = std::move(body);
  const std::string digest = manifest->digest;
  store_.put_manifest(route.name, route.id, std::move(manifest));
  bump(store_.counters().manifests);
  Reply reply = empty_reply(http::status::created);
  reply.set(http::field::location, "/v2/" + route.name + "/manifests/" + digest);
  reply.set("Docker-Content-Digest", digest);
  co_return reply;
}

Reply Connection::get_manifest(const Route& route) {
  const auto manifest = store_.manifest(route.name, route.id);
  if (!manifest) return unknown_manifest();
  Reply reply = empty_reply(http::status::ok);
  if (!manifest->content_type.empty()) reply.set(http::field::content_type, manifest->content_type);
  reply.set("Docker-Content-Digest", manifest->digest);
  reply.body() = manifest->body;  // dropped by send() for a HEAD, its length kept
  reply.content_length(manifest->body.size());
  return reply;
}

Reply Connection::delete_manifest(const Route& route) {
  if (!store_.delete_manifest(route.name, route.id)) return unknown_manifest();
  return empty_reply(http::status::accepted);
}

}  // namespace layerpush::sink
