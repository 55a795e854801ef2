#include "engine/registry/manifest_type.h"

#include <nlohmann/json.hpp>

#include "engine/image/image.h"

namespace layerpush::engine {
namespace {
std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}
}  // namespace

const std::string& manifest_accept() {
  static const std::string accept = std::string(media_type::kOciManifest) + ", " +
                                    media_type::kOciIndex + ", " + media_type::kDockerManifest +
                                    ", " + media_type::kDockerManifestList;
  return accept;
}

std::string manifest_media_type(std::string_view content_type, std::string_view bytes) {
  const auto type = trimmed(content_type.substr(0, content_type.find(';')));
  if (!type.empty()) return std::string(type);
  // Some registries and proxies drop the header; the manifest names its own type (schema 2 and
  // OCI manifests written by docker, buildkit and layerpush all carry it).
  const auto doc = nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_object() && doc.contains("mediaType") && doc["mediaType"].is_string())
    return doc["mediaType"].get<std::string>();
  return "";
}

}  // namespace layerpush::engine
