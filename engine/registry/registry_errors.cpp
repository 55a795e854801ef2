#include "engine/registry/registry_errors.h"

#include <nlohmann/json.hpp>

#include "engine/util/json_fields.h"

namespace layerpush::engine {
namespace {
nlohmann::json parse_errors(std::string_view body) {
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object() && doc.contains("errors") && doc["errors"].is_array()) return doc["errors"];
  return nlohmann::json::array();
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
