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

std::string image_config_json(const std::vector<hashing::Digest>& diff_ids,
                              const std::vector<std::string>& history) {
  Json ids = Json::array();
  for (const auto& id : diff_ids) ids.push_back(id.str());
  Json steps = Json::array();
  for (const auto& text : history)
    steps.push_back(Json{{"created", kCreated}, {"created_by", text}});
  Json config{{"architecture", "amd64"},
              {"os", "linux"},
              {"created", kCreated},
              {"config", Json::object()},
              {"rootfs", Json{{"type", "layers"}, {"diff_ids", ids}}},
              {"history", steps}};
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

}  // namespace layerpush::mkimage
