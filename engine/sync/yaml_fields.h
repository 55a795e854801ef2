// Reading a YAML document from outside (a sync config) strictly: each helper checks one node's
// shape and throws Error(ErrorKind::kInput) naming the file, the node's place
// ("images[2].tags[0]"), the rule and the value, so a typo or a wrong type is refused instead
// of read as a default (yaml-cpp itself keeps repeated keys and lets unknown ones pass). Pure;
// safe from any thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace layerpush::engine {

// Where a node sits, for messages: "sync config FILE: PLACE: why".
class YamlPlace {
 public:
  explicit YamlPlace(std::string file, std::string path = {})
      : file_(std::move(file)), path_(std::move(path)) {}
  // "images[2].tags", "images" at the top, registries["quay.io"] for a name that is not a word.
  YamlPlace key(std::string_view name) const;
  YamlPlace index(std::size_t i) const;         // "images[2]"
  const std::string& file() const { return file_; }
  [[noreturn]] void fail(const std::string& why) const;

 private:
  std::string file_;
  std::string path_;
};

// A mapping whose keys are distinct strings from `known`. Returns the keys in file order.
std::vector<std::string> checked_keys(const YAML::Node& node,
                                      std::initializer_list<std::string_view> known,
                                      const YamlPlace& place);
// A mapping whose keys are distinct strings (any), in file order.
std::vector<std::string> mapping_keys(const YAML::Node& node, const YamlPlace& place);
// A scalar that is not null and not empty.
std::string yaml_string(const YAML::Node& node, const YamlPlace& place);
// true or false (YAML's spellings of them, as yaml-cpp reads them).
bool yaml_bool(const YAML::Node& node, const YamlPlace& place);
// A sequence with at least one entry; each place is the sequence's place with its index.
void require_sequence(const YAML::Node& node, const YamlPlace& place);

}  // namespace layerpush::engine
