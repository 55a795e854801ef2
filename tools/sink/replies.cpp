#include "tools/sink/replies.h"

#include <nlohmann/json.hpp>

namespace layerpush::sink {

Reply empty_reply(http::status status) {
  Reply reply{status, 11};
  reply.set("Docker-Distribution-API-Version", "registry/2.0");
  reply.content_length(0);
  return reply;
}

Reply base_reply() {
  Reply reply = empty_reply(http::status::ok);
  reply.set(http::field::content_type, "application/json; charset=utf-8");
  reply.body() = "{}";
  reply.prepare_payload();
  return reply;
}

Reply error_reply(http::status status, const std::string& code, const std::string& message) {
  Reply reply = empty_reply(status);
  reply.set(http::field::content_type, "application/json; charset=utf-8");
  const nlohmann::json errors = {
      {"errors", {{{"code", code}, {"message", message}, {"detail", nullptr}}}}};
  // Messages may quote what a client sent: replace invalid UTF-8 rather than throw.
  reply.body() = errors.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  reply.prepare_payload();
  return reply;
}

std::string upload_location(const std::string& name, const std::string& uuid) {
  return "/v2/" + name + "/blobs/uploads/" + uuid;
}

std::string upload_range(std::uint64_t offset) {
  return "0-" + std::to_string(offset == 0 ? 0 : offset - 1);
}

Reply upload_reply(http::status status, const std::string& name, const std::string& uuid,
                   std::uint64_t offset) {
  Reply reply = empty_reply(status);
  reply.set(http::field::location, upload_location(name, uuid));
  reply.set(http::field::range, upload_range(offset));
  reply.set("Docker-Upload-UUID", uuid);
  return reply;
}

}  // namespace layerpush::sink
