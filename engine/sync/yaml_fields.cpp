// Strict YAML node readers for sync configs. yaml-cpp's own as<T>() throws TypedBadConversion
// with only a line number, and node[key] silently takes the first of repeated keys, hence these.
#include "engine/sync/yaml_fields.h"

#include <algorithm>

#include "engine/util/error.h"
#include "engine/util/in_quotes.h"

namespace layerpush::engine {
namespace {

std::string kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return in_quotes(node.Scalar());
    default:
      return "empty";
  }
}

// "a, b and c"
std::string listed(std::initializer_list<std::string_view> names) {
  std::string out;
  std::size_t i = 0;
  for (const auto name : names) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += name;
    ++i;
  }
  return out;
}

}  // namespace

YamlPlace YamlPlace::key(std::string_view name) const {
  // Host names have dots of their own: registries["quay.io"], not registries.quay.io.
  if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") != std::string_view::npos)
    return YamlPlace(file_, path_ + "[" + in_quotes(name) + "]");
  return YamlPlace(file_, path_.empty() ? std::string(name) : path_ + "." + std::string(name));
}

YamlPlace YamlPlace::index(std::size_t i) const {
  return YamlPlace(file_, path_ + "[" + std::to_string(i) + "]");
}

void YamlPlace::fail(const std::string& why) const {
  throw Error(ErrorKind::kInput,
              "sync config " + file_ + ": " + (path_.empty() ? "" : path_ + ": ") + why);
}

std::vector<std::string> mapping_keys(const YAML::Node& node, const YamlPlace& place) {
  if (!node.IsMap()) place.fail("must be a mapping of keys to values, not " + kind_of(node));
  std::vector<std::string> keys;
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) place.fail("has a key that is " + kind_of(entry.first));
    const auto& key = entry.first.Scalar();
    if (std::find(keys.begin(), keys.end(), key) != keys.end())
      place.fail("has the key " + in_quotes(key) + " twice");
    keys.push_back(key);
  }
  return keys;
}

std::vector<std::string> checked_keys(const YAML::Node& node,
                                      std::initializer_list<std::string_view> known,
                                      const YamlPlace& place) {
  auto keys = mapping_keys(node, place);
  for (const auto& key : keys)
    if (std::find(known.begin(), known.end(), key) == known.end())
      place.fail("unknown key " + in_quotes(key) + "; the keys here are " + listed(known));
  return keys;
}

std::string yaml_string(const YAML::Node& node, const YamlPlace& place) {
  if (!node.IsScalar()) place.fail("must be a string, not " + kind_of(node));
  if (node.Scalar().empty()) place.fail("is empty");
  return node.Scalar();
}

bool yaml_bool(const YAML::Node& node, const YamlPlace& place) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value))
    place.fail("must be true or false, not " + kind_of(node));
  return value;
}

void require_sequence(const YAML::Node& node, const YamlPlace& place) {
  if (!node.IsSequence()) place.fail("must be a list, not " + kind_of(node));
  if (node.size() == 0) place.fail("is an empty list");
}

}  // namespace layerpush::engine
