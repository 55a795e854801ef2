#include "engine/registry_errors.h"

#include <nlohmann/json.hpp>

namespace layerpush::engine {
namespace {
nlohmann::json parse_errors(std::string_view body) {
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object() && doc.contains("errors") && doc["errors"].is_array()) return doc["errors"];
  return nlohmann::json::array();
}
// The string under `key`, or empty when it is absent or not a string (registries send nulls).
std::string string_at(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}
}  // namespace

std::string first_error_code(std::string_view body) {
  for (const auto& e : parse_errors(body))
    if (e.is_object() && !string_at(e, "code").empty()) return string_at(e, "code");
  return {};
}

std::string describe_error_response(unsigned status, std::string_view reason,
                                    std::string_view body) {
  std::string out = std::to_string(status);
  if (!reason.empty()) out += " " + std::string(reason);
  std::string details;
  for (const auto& e : parse_errors(body)) {
    if (!e.is_object()) continue;
    std::string one = string_at(e, "code");
    const std::string message = string_at(e, "message");
    if (!message.empty()) one += (one.empty() ? "" : ": ") + message;
    if (one.empty()) continue;
    details += (details.empty() ? "" : "; ") + one;
  }
  if (!details.empty()) out += " (" + details + ")";
  return out;
}

}  // namespace layerpush::engine
