// The sink's blob endpoints: existence checks, mounts, and upload sessions whose bytes are
// hashed as they stream in and then dropped; a commit keeps only the digest and size, after
// checking that the bytes hash to the digest the client named.
#include <string>

#include "hashing/digest.h"
#include "tools/sink/connection.h"

namespace layerpush::sink {
namespace asio = boost::asio;

namespace {

Reply blob_created(const std::string& name, const std::string& digest) {
  Reply reply = empty_reply(http::status::created);
  reply.set(http::field::location, "/v2/" + name + "/blobs/" + digest);
  reply.set("Docker-Content-Digest", digest);
  return reply;
}

Reply unknown_upload() {
  return error_reply(http::status::not_found, "BLOB_UPLOAD_UNKNOWN", "upload session unknown");
}

Reply claim_failure(Store::ClaimError error) {
  if (error == Store::ClaimError::kUnknown) return unknown_upload();
  return error_reply(http::status::conflict, "BLOB_UPLOAD_INVALID",
                     "another request is writing to this upload session");
}

std::string query_value(const Route& route, const std::string& key) {
  const auto it = route.query.find(key);
  return it == route.query.end() ? std::string() : it->second;
}

}  // namespace

Reply Connection::head_blob(const Route& route) {
  const auto size = store_.blob_size(route.id);
  if (!size) return error_reply(http::status::not_found, "BLOB_UNKNOWN", "blob unknown");
  Reply reply = empty_reply(http::status::ok);
  reply.content_length(*size);  // what a GET would carry; a HEAD reply has no body
  reply.set(http::field::content_type, "application/octet-stream");
  reply.set("Docker-Content-Digest", route.id);
  return reply;
}

asio::awaitable<Reply> Connection::start_upload(const Route& route) {
  const std::string mount = query_value(route, "mount");
  if (!mount.empty() && store_.blob_size(mount)) co_return blob_created(route.name, mount);
  const auto uuid = store_.open_upload(route.name);
  if (!uuid)
    co_return error_reply(http::status::too_many_requests, "TOOMANYREQUESTS",
                          "too many open upload sessions");
  // POST ?digest=: the whole blob in this one request (optional in the spec).
  if (const std::string digest = query_value(route, "digest"); !digest.empty() && mount.empty()) {
    auto claim = store_.claim_upload(route.name, *uuid);
    co_return co_await commit(route, *std::get<0>(claim), digest);
  }
  co_return upload_reply(http::status::accepted, route.name, *uuid, 0);
}

asio::awaitable<Reply> Connection::patch_upload(const Route& route) {
  auto claimed = store_.claim_upload(route.name, route.id);
  if (auto* error = std::get_if<Store::ClaimError>(&claimed)) co_return claim_failure(*error);
  UploadClaim& upload = *std::get<0>(claimed);
  const std::uint64_t offset = upload->offset.load();
  const auto& request = parser_->get();
  std::optional<std::uint64_t> expected;  // body length the Content-Range announces
  if (const auto range = request.find(http::field::content_range); range != request.end()) {
    const auto parsed = parse_content_range(range->value());
    if (!parsed || parsed->first != offset) {
      Reply reply = upload_reply(http::status::range_not_satisfiable, route.name, route.id, offset);
      co_return reply;
    }
    expected = parsed->second - parsed->first + 1;
    const auto length = parser_->content_length();
    if (length && *length != *expected)
      co_return error_reply(http::status::bad_request, "SIZE_INVALID",
                            "Content-Range and Content-Length disagree");
  }
  const std::uint64_t got = co_await read_body(
      [&upload](std::span<const std::byte> piece) {
        upload->hasher.update(piece);
        upload->offset += piece.size();
      },
      true);
  if (expected && !broken_ && got != *expected)
    co_return error_reply(http::status::bad_request, "SIZE_INVALID",
                          "the chunk's length differs from its Content-Range");
  co_return upload_reply(http::status::accepted, route.name, route.id, upload->offset.load());
}

asio::awaitable<Reply> Connection::put_upload(const Route& route) {
  auto claimed = store_.claim_upload(route.name, route.id);
  if (auto* error = std::get_if<Store::ClaimError>(&claimed)) co_return claim_failure(*error);
  co_return co_await commit(route, *std::get<0>(claimed), query_value(route, "digest"));
}

asio::awaitable<Reply> Connection::commit(const Route& route, UploadClaim& upload,
                                          const std::string& digest_text) {
  std::string why;
  const auto digest = hashing::Digest::parse(digest_text, &why);
  if (!digest)
    co_return error_reply(http::status::bad_request, "DIGEST_INVALID",
                          digest_text.empty() ? "the digest parameter is missing" : why);
  const auto& request = parser_->get();
  if (const auto range = request.find(http::field::content_range); range != request.end()) {
    const auto parsed = parse_content_range(range->value());
    if (!parsed || parsed->first != upload->offset.load())
      co_return upload_reply(http::status::range_not_satisfiable, route.name, upload.uuid(),
                             upload->offset.load());
  }
  co_await read_body(
      [&upload](std::span<const std::byte> piece) {
        upload->hasher.update(piece);
        upload->offset += piece.size();
      },
      true);
  if (broken_) co_return empty_reply(http::status::bad_request);  // not sent: the client left
  const std::uint64_t size = upload->offset.load();
  const hashing::Digest actual = upload->hasher.finish();
  store_.close_upload(upload.uuid());  // committed or failed, the session is over
  if (actual != *digest) {
    bump(store_.counters().digest_failures);
    co_return error_reply(http::status::bad_request, "DIGEST_INVALID",
                          "the " + std::to_string(size) + " bytes received hash to " +
                              actual.str() + ", not " + digest->str());
  }
  store_.add_blob(digest->str(), size);
  bump(store_.counters().blobs);
  co_return blob_created(route.name, digest->str());
}

Reply Connection::upload_status(const Route& route) {
  const auto offset = store_.upload_offset(route.name, route.id);
  if (!offset) return unknown_upload();
  return upload_reply(http::status::no_content, route.name, route.id, *offset);
}

Reply Connection::cancel_upload(const Route& route) {
  if (!store_.upload_offset(route.name, route.id) || !store_.close_upload(route.id))
    return unknown_upload();
  return empty_reply(http::status::no_content);
}

}  // namespace layerpush::sink
