#include "tools/mkimage/image_json.h"

#include <nlohmann/json.hpp>

#include "tools/mkimage/tar_writer.h"

namespace layerpush::mkimage {
namespace {

using Json = nlohmann::ordered_json;

Json descriptor_json(const Descriptor& d) {
  return Json{{"mediaType", d.media_type}, {"digest", d.digest.str()}, {"size", d.size}};
}

}  // namespace

Platform parse_platform(const std::string& text) {
  Platform p;
  const auto first = text.find('/');
  const auto second = text.find('/', first + 1);
  p.os = text.substr(0, first);
  p.architecture = text.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  if (second != std::string::npos) p.variant = text.substr(second + 1);
  return p;
}

std::string image_config_json(const std::vector<hashing::Digest>& diff_ids,
                              const std::vector<std::string>& history, const Platform& platform) {
  Json ids = Json::array();
  for (const auto& id : diff_ids) ids.push_back(id.str());
  Json steps = Json::array();
  for (const auto& text : history)
    steps.push_back(Json{{"created", kCreated}, {"created_by", text}});
  Json config{{"architecture", platform.architecture}, {"os", platform.os}};
  if (!platform.variant.empty()) config["variant"] = platform.variant;
  config.update(Json{{"created", kCreated},
              {"config", Json::object()},
              {"rootfs", Json{{"type", "layers"}, {"diff_ids", ids}}},
              {"history", steps}});
  return config.dump();
}

std::string oci_manifest_json(const Descriptor& config, const std::vector<Descriptor>& layers) {
  Json list = Json::array();
  for (const auto& layer : layers) list.push_back(descriptor_json(layer));
  Json manifest{{"schemaVersion", 2},
                {"mediaType", kOciManifestType},
                {"config", descriptor_json(config)},
                {"layers", list}};
  return manifest.dump();
}

std::string oci_index_json(const Descriptor& manifest, const std::string& tag) {
  Json entry = descriptor_json(manifest);
  entry["annotations"] = Json{{"org.opencontainers.image.ref.name", tag}};
  Json index{
      {"schemaVersion", 2}, {"mediaType", kOciIndexType}, {"manifests", Json::array({entry})}};
  return index.dump();
}

std::string oci_platform_index_json(const std::vector<std::pair<Descriptor, Platform>>& manifests) {
  Json list = Json::array();
  for (const auto& [manifest, platform] : manifests) {
    Json entry = descriptor_json(manifest);
    entry["platform"] = Json{{"architecture", platform.architecture}, {"os", platform.os}};
    if (!platform.variant.empty()) entry["platform"]["variant"] = platform.variant;
    list.push_back(entry);
  }
  Json index{{"schemaVersion", 2}, {"mediaType", kOciIndexType}, {"manifests", list}};
  return index.dump();
}

}  // namespace layerpush::mkimage
