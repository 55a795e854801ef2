#include "engine/image/docker_archive.h"

#include <nlohmann/json.hpp>

#include "engine/image/file_range_source.h"
#include "engine/image/reference.h"
#include "engine/util/error.h"
#include "engine/util/file_bytes.h"
#include "engine/util/json_fields.h"
#include "io/file.h"
#include "io/tar_index.h"

namespace layerpush::engine {
namespace {
using nlohmann::json;

std::string normalized(const std::string& tag) {
  try {
    return parse_reference(tag).str();
  } catch (const ReferenceError&) {
    return tag;
  }
}

const json& choose_image(const json& images, const std::optional<std::string>& selector,
                         const std::string& path) {
  std::string names;
  for (const auto& image : images)
    for (const auto& tag : array_at(image, "RepoTags"))
      if (tag.is_string()) names += (names.empty() ? "" : ", ") + tag.get<std::string>();
  if (!selector) {
    if (images.size() == 1) return images[0];
    throw Error(ErrorKind::kInput, "docker-archive:" + path + " holds " +
                                       std::to_string(images.size()) +
                                       " images; choose one with docker-archive:" + path +
                                       ":NAME:TAG or :@N (tags: " + names + ")");
  }
  if (selector->starts_with("@")) {
    const std::string number = selector->substr(1);
    if (!number.empty() && number.find_first_not_of("0123456789") == std::string::npos &&
        number.size() < 9 && std::stoul(number) < images.size())
      return images[std::stoul(number)];
    throw Error(ErrorKind::kInput, "docker-archive:" + path + " has no image " + *selector +
                                       "; it holds " + std::to_string(images.size()));
  }
  for (const auto& image : images)
    for (const auto& tag : array_at(image, "RepoTags"))
      if (tag.is_string() && normalized(tag.get<std::string>()) == normalized(*selector))
        return image;
  throw Error(ErrorKind::kInput, "docker-archive:" + path + " has no image tagged \"" + *selector +
                                     "\" (tags: " + (names.empty() ? "none" : names) + ")");
}

const io::TarMember& member(const io::TarIndex& index, const std::string& name,
                            const std::string& path) {
  const auto* found = index.find_file(name);
  if (!found)
    throw Error(ErrorKind::kInput, "docker-archive:" + path + " has no file " + name);
  return *found;
}

enum class Stored { kTar, kGzip, kZstd };
Stored sniff(const std::string& path, const io::TarMember& m) {
  const auto head = read_file_range(path, m.data_offset, std::min<std::uint64_t>(m.size, 4));
  if (head.size() >= 2 && head[0] == '\x1f' && head[1] == '\x8b') return Stored::kGzip;
  if (head.size() >= 4 && head == std::string("\x28\xb5\x2f\xfd", 4)) return Stored::kZstd;
  return Stored::kTar;
}
}  // namespace

Image load_docker_archive(const std::string& path, const std::optional<std::string>& selector) {
  io::TarIndex index;
  try {
    auto file = io::File::open_read(path);
    index = io::TarIndex::read(file.fd(), file.size());
  } catch (const std::system_error& e) {
    throw Error(ErrorKind::kInput, "cannot read docker-archive:" + path + ": " + e.code().message());
  } catch (const io::TarError& e) {
    throw Error(ErrorKind::kInput, "docker-archive:" + path + " is not a valid tar: " + e.what());
  }
  const auto& manifest_member = member(index, "manifest.json", path);
  const json images = json::parse(
      read_file_range(path, manifest_member.data_offset, manifest_member.size), nullptr, false);
  if (!images.is_array() || images.empty())
    throw Error(ErrorKind::kInput, "docker-archive:" + path + " has an unreadable manifest.json");
  const json& chosen = choose_image(images, selector, path);

  const auto& config_member = member(index, string_at(chosen, "Config"), path);
  auto config = std::make_shared<const std::string>(
      read_file_range(path, config_member.data_offset, config_member.size));
  const json config_doc = json::parse(*config, nullptr, false);
  const json diff_ids =
      config_doc.is_object() && config_doc.contains("rootfs") ? array_at(config_doc["rootfs"], "diff_ids")
                                                              : json::array();
  const json layers = array_at(chosen, "Layers");
  if (diff_ids.size() != layers.size())
    throw Error(ErrorKind::kInput, "docker-archive:" + path + " lists " +
                                       std::to_string(layers.size()) + " layers but its config has " +
                                       std::to_string(diff_ids.size()) + " diff_ids");

  Image image;
  image.source = "docker-archive:" + path + (selector ? ":" + *selector : "");
  image.manifest_media_type = media_type::kDockerManifest;
  const auto repo_tags = array_at(chosen, "RepoTags");
  if (!repo_tags.empty() && repo_tags[0].is_string()) {
    const auto tag = repo_tags[0].get<std::string>();
    if (auto colon = tag.rfind(':'); colon != std::string::npos && tag.find('/', colon) == std::string::npos)
      image.source_tag = tag.substr(colon + 1);
  }
  image.blobs.push_back(inline_config_blob(config));

  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (!layers[i].is_string() || !diff_ids[i].is_string())
      throw Error(ErrorKind::kInput, "docker-archive:" + path + " has a malformed layer entry");
    const auto& m = member(index, layers[i].get<std::string>(), path);
    ImageBlob blob;
    blob.role = "layer " + std::to_string(i + 1);
    blob.media_type = media_type::kDockerLayerGzip;
    blob.recipe.source = file_range_source({path, m.data_offset, m.size});
    switch (sniff(path, m)) {
      case Stored::kTar: {
        blob.recipe.encoding = Encoding::kGzip;
        std::string why;
        auto diff_id = hashing::Digest::parse(diff_ids[i].get<std::string>(), &why);
        if (!diff_id) throw Error(ErrorKind::kInput, "diff_id of " + blob.role + ": " + why);
        blob.expected_raw_digest = diff_id;
        break;
      }
      case Stored::kGzip:
        break;  // pushed as stored; its digest is found by the first pass
      case Stored::kZstd:
        throw Error(ErrorKind::kInput, "docker-archive:" + path + " " + blob.role +
                                           " is zstd-compressed; only tar and gzip layers are supported");
    }
    image.blobs.push_back(std::move(blob));
  }
  return image;
}

}  // namespace layerpush::engine
