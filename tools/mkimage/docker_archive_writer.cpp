// Legacy `docker save` archive: one tar holding, per layer, <id>/VERSION, <id>/json and
// <id>/layer.tar (uncompressed), then <config hex>.json per image, manifest.json and
// repositories. Layer tars stream straight into the outer tar: their exact size is known in
// advance (layer_tar_size), and their diff_id is needed only by the config written after them.
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tools/mkimage/image_json.h"
#include "tools/mkimage/layer.h"
#include "tools/mkimage/tar_writer.h"
#include "tools/mkimage/writers.h"

namespace layerpush::mkimage {
namespace {

using Json = nlohmann::ordered_json;

// Docker names layer folders by a v1 ID chained from the parent's ID. Any 64-hex name works for
// docker load and skopeo; deriving it from the spec keeps archives reproducible and makes a
// shared layer one folder.
std::string layer_id(const std::string& parent, const LayerSpec& spec) {
  return std::string(hashing::sha256_of(parent + "\n" + spec.describe()).hex());
}

std::string v1_layer_json(const std::string& id, const std::string& parent) {
  Json v1{{"id", id}};
  if (!parent.empty()) v1["parent"] = parent;
  v1["created"] = kCreated;
  v1["container_config"] = Json::object();
  v1["os"] = "linux";
  return v1.dump();
}

struct Archive {
  TarWriter tar;
  std::map<std::string, hashing::Digest> diff_ids;  // by layer ID: written already
  std::set<std::string> configs;                    // config files written already

  // Writes the layer unless an earlier image already did; returns its diff_id.
  hashing::Digest add_layer(const std::string& id, const std::string& parent,
                            const LayerSpec& spec) {
    if (auto it = diff_ids.find(id); it != diff_ids.end()) return it->second;
    tar.add_directory(id + "/");
    tar.add_file(id + "/VERSION", "1.0");
    tar.add_file(id + "/json", v1_layer_json(id, parent));
    tar.begin_file(id + "/layer.tar", layer_tar_size(spec));
    HashingSink hashed(tar);
    write_layer_tar(spec, hashed);
    tar.end_file();
    return diff_ids.emplace(id, hashed.finish()).first->second;
  }
};

}  // namespace

std::string write_docker_archive(const Options& options) {
  FileSink file(options.out);
  Archive archive{TarWriter(file), {}, {}};
  Json manifest = Json::array();
  Json repositories = Json::object();
  Json report_images = Json::array();
  for (std::uint32_t image = 0; image < options.images; ++image) {
    std::vector<hashing::Digest> diff_ids;
    std::vector<std::string> history;
    Json layer_paths = Json::array();
    Json layer_ids = Json::array();
    std::string parent;
    for (std::uint32_t i = 0; i < options.layers; ++i) {
      // Layer 0 belongs to image 0 in every image: that is the shared layer.
      LayerSpec spec{options.content, options.seed_of_layer(i), i == 0 ? 0 : image, i, options.layer_size};
      std::string id = layer_id(parent, spec);
      diff_ids.push_back(archive.add_layer(id, parent, spec));
      history.push_back("layerpush-mkimage " + spec.describe());
      layer_paths.push_back(id + "/layer.tar");
      layer_ids.push_back(id);
      parent = id;
    }
    std::string config = image_config_json(diff_ids, history);
    hashing::Digest config_digest = hashing::sha256_of(config);
    std::string config_name = std::string(config_digest.hex()) + ".json";
    if (archive.configs.insert(config_name).second) archive.tar.add_file(config_name, config);

    std::string repo =
        options.images > 1 ? options.repo + "-" + std::to_string(image + 1) : options.repo;
    std::string repo_tag = repo + ":" + options.tag;
    manifest.push_back(Json{
        {"Config", config_name}, {"RepoTags", Json::array({repo_tag})}, {"Layers", layer_paths}});
    repositories[repo][options.tag] = parent;
    Json ids = Json::array();
    for (const auto& d : diff_ids) ids.push_back(d.str());
    report_images.push_back(Json{{"repo_tag", repo_tag},
                                 {"config_digest", config_digest.str()},
                                 {"diff_ids", ids},
                                 {"layer_ids", layer_ids}});
  }
  archive.tar.add_file("manifest.json", manifest.dump());
  archive.tar.add_file("repositories", repositories.dump());
  archive.tar.finish();
  file.close();
  return Json{{"images", report_images}}.dump();
}

}  // namespace layerpush::mkimage
