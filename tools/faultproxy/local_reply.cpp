#include "tools/faultproxy/local_reply.h"

#include <nlohmann/json.hpp>

namespace layerpush::faultproxy {

namespace http = boost::beast::http;

Reply scripted_reply(const Respond& respond) {
  Reply reply;
  reply.version(11);
  reply.result(static_cast<unsigned>(respond.status));
  for (const auto& [name, value] : respond.headers) reply.set(name, value);
  reply.body() = respond.body;
  reply.prepare_payload();
  return reply;
}

Reply redirect_reply(int status, const std::string& location) {
  Reply reply;
  reply.version(11);
  reply.result(static_cast<unsigned>(status));
  reply.set(http::field::location, location);
  reply.prepare_payload();
  return reply;
}

Reply error_reply(int status, const std::string& code, const std::string& message) {
  Reply reply;
  reply.version(11);
  reply.result(static_cast<unsigned>(status));
  reply.set(http::field::content_type, "application/json; charset=utf-8");
  const nlohmann::json errors = {{"errors", {{{"code", code}, {"message", message}}}}};
  reply.body() = errors.dump();
  reply.prepare_payload();
  return reply;
}

}  // namespace layerpush::faultproxy
