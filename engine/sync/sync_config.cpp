// The sync config parser: YAML (yaml-cpp) into the checked types of sync_config.h. Every value is
// checked where it is read, so an error names its exact place; the shape checks are in
// yaml_fields.h and the name rules in repository_name.h.
#include "engine/sync/sync_config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "engine/image/repository_name.h"
#include "engine/sync/yaml_fields.h"
#include "engine/util/error.h"
#include "engine/util/in_quotes.h"

namespace layerpush::engine {
namespace {

// Runs a parser of engine/image/reference.h or platform.h and words its refusal at `place`.
template <class Parse>
auto checked(const YamlPlace& place, Parse parse) {
  try {
    return parse();
  } catch (const std::invalid_argument& e) {  // ReferenceError too
    place.fail(e.what());
  }
}

// A file named in the config: relative paths are taken from the config file's folder, so a
// config and its certificates can move together (as kubeconfig files do).
std::string file_at(const YAML::Node& node, const YamlPlace& place) {
  const std::filesystem::path path = yaml_string(node, place);
  if (path.is_absolute()) return path.string();
  return (std::filesystem::path(place.file()).parent_path() / path).string();
}

RegistrySettings parse_registry(const YAML::Node& node, const YamlPlace& place) {
  RegistrySettings settings;
  for (const auto& key : checked_keys(
           node, {"authfile", "tls-verify", "plain-http", "ca-file", "cert-file", "key-file"},
           place)) {
    const auto& value = node[key];
    const auto at = place.key(key);
    if (key == "authfile") settings.authfile = file_at(value, at);
    if (key == "tls-verify") settings.tls_verify = yaml_bool(value, at);
    if (key == "plain-http") settings.plain_http = yaml_bool(value, at);
    if (key == "ca-file") settings.ca_file = file_at(value, at);
    if (key == "cert-file") settings.cert_file = file_at(value, at);
    if (key == "key-file") settings.key_file = file_at(value, at);
  }
  if (settings.cert_file.empty() != settings.key_file.empty())
    place.fail("cert-file and key-file go together: a client certificate needs its key");
  return settings;
}

std::map<std::string, RegistrySettings> parse_registries(const YAML::Node& node,
                                                         const YamlPlace& place) {
  std::map<std::string, RegistrySettings> registries;
  for (const auto& key : mapping_keys(node, place)) {
    const auto at = place.key(key);
    const auto host = checked(at, [&] { return parse_registry_host(key); });
    if (registries.count(host))
      at.fail("names the registry " + in_quotes(host) + ", which is listed already");
    registries.emplace(host, parse_registry(node[key], at));
  }
  return registries;
}

RewriteRule parse_rewrite(const YAML::Node& node, const YamlPlace& place) {
  checked_keys(node, {"from", "to"}, place);
  RewriteRule rule;
  for (const char* key : {"from", "to"}) {
    if (!node[key]) place.fail(std::string("has no ") + key);
    const auto at = place.key(key);
    const auto text = yaml_string(node[key], at);
    (key == std::string_view("from") ? rule.from : rule.to) =
        checked(at, [&] { return parse_name_prefix(text); });
  }
  return rule;
}

void parse_tag_rule(const YAML::Node& node, const YamlPlace& place, ImageEntry& image) {
  const bool listed = node["tags"].IsDefined();
  const bool regex = node["tag-regex"].IsDefined();
  const bool all = node["all-tags"] && yaml_bool(node["all-tags"], place.key("all-tags"));
  std::vector<std::string> given;
  if (listed) given.push_back("tags");
  if (regex) given.push_back("tag-regex");
  if (all) given.push_back("all-tags: true");
  if (given.size() != 1) {
    std::string has = given.empty() ? "none" : given[0];
    for (std::size_t i = 1; i < given.size(); ++i)
      has += (i + 1 == given.size() ? " and " : ", ") + given[i];
    place.fail("needs exactly one of tags, tag-regex and all-tags: true; it has " + has);
  }
  if (all) image.rule = TagRule::kAll;
  if (regex) {
    image.rule = TagRule::kRegex;
    const auto at = place.key("tag-regex");
    image.tag_regex = yaml_string(node["tag-regex"], at);
    try {
      image.tag_pattern = std::regex(image.tag_regex, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      at.fail(in_quotes(image.tag_regex) + " is not an ECMAScript regular expression: " + e.what());
    }
  }
  if (listed) {
    image.rule = TagRule::kListed;
    const auto at = place.key("tags");
    require_sequence(node["tags"], at);
    for (std::size_t i = 0; i < node["tags"].size(); ++i) {
      const auto tag_at = at.index(i);
      auto tag = yaml_string(node["tags"][i], tag_at);
      checked(tag_at, [&] { check_tag(tag); });
      if (std::find(image.tags.begin(), image.tags.end(), tag) != image.tags.end())
        tag_at.fail("tag " + in_quotes(tag) + " is listed twice");
      image.tags.push_back(std::move(tag));
    }
  }
}

ImageEntry parse_image(const YAML::Node& node, const YamlPlace& place) {
  checked_keys(node, {"source", "tags", "tag-regex", "all-tags", "platforms", "target"}, place);
  if (!node["source"]) place.fail("has no source");
  ImageEntry image;
  const auto source = yaml_string(node["source"], place.key("source"));
  image.source = checked(place.key("source"), [&] { return parse_repository_name(source); });
  parse_tag_rule(node, place, image);
  if (const auto platforms = node["platforms"]) {
    const auto at = place.key("platforms");
    require_sequence(platforms, at);
    for (std::size_t i = 0; i < platforms.size(); ++i) {
      const auto text = yaml_string(platforms[i], at.index(i));
      image.platforms.push_back(checked(at.index(i), [&] { return parse_platform(text); }));
    }
  }
  if (const auto target = node["target"]) {
    const auto at = place.key("target");
    const auto text = yaml_string(target, at);
    image.target = checked(at, [&] { return parse_repository_name(text).str(); });
  }
  return image;
}

// The file's one YAML document; syntax errors are given with their line and column.
YAML::Node read_document(const std::string& path) {
  const YamlPlace place(path);
  std::error_code error;
  if (std::filesystem::is_directory(path, error))
    throw Error(ErrorKind::kInput, "sync config " + path + " is a folder, not a file");
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::kInput, "sync config " + path + " cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(text.str());
  } catch (const YAML::Exception& e) {
    place.fail("line " + std::to_string(e.mark.line + 1) + ", column " +
               std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (documents.empty() || documents[0].IsNull())
    place.fail("is empty; it needs at least an images list");
  if (documents.size() > 1)
    place.fail("holds " + std::to_string(documents.size()) +
               " YAML documents; a sync config is one");
  return documents[0];
}

}  // namespace

RegistrySettings SyncConfig::registry(const std::string& host) const {
  const auto it = registries.find(host);
  return it == registries.end() ? RegistrySettings{} : it->second;
}

SyncConfig load_sync_config(const std::string& path) {
  const auto document = read_document(path);
  const YamlPlace top(path);
  checked_keys(document, {"registries", "target", "rewrite", "images"}, top);
  SyncConfig config;
  if (const auto registries = document["registries"])
    config.registries = parse_registries(registries, top.key("registries"));
  if (const auto target = document["target"]) {
    const auto text = yaml_string(target, top.key("target"));
    config.target = checked(top.key("target"), [&] { return parse_name_prefix(text); });
  }
  if (const auto rewrite = document["rewrite"]) {
    require_sequence(rewrite, top.key("rewrite"));
    for (std::size_t i = 0; i < rewrite.size(); ++i)
      config.rewrite.push_back(parse_rewrite(rewrite[i], top.key("rewrite").index(i)));
  }
  const auto images = document["images"];
  if (!images) top.fail("has no images list; name at least one image to copy");
  require_sequence(images, top.key("images"));
  for (std::size_t i = 0; i < images.size(); ++i)
    config.images.push_back(parse_image(images[i], top.key("images").index(i)));
  return config;
}

}  // namespace layerpush::engine
