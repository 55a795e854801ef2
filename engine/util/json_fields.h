// Reading fields of JSON that comes from outside (index.json, manifests, configs, error bodies,
// docker config files): a field that is absent, null or of the wrong type reads as empty, so a
// malformed document is refused by the caller's own check instead of by an exception from deep
// inside nlohmann::json (whose value() throws on a wrong type). Pure; safe from any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace layerpush::engine {

// The string under `key`, or "" when `object` is not an object or the field is not a string.
template <class Json>
std::string string_at(const Json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->template get<std::string>() : std::string();
}

// The array under `key`, or an empty one (docker writes "RepoTags": null for untagged images).
template <class Json>
Json array_at(const Json& object, const char* key) {
  if (!object.is_object()) return Json::array();
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : Json::array();
}

}  // namespace layerpush::engine
