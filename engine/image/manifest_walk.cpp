#include "engine/image/manifest_walk.h"

#include "engine/util/error.h"
#include "engine/util/json_fields.h"

namespace layerpush::engine {
using nlohmann::json;

bool is_index_type(const std::string& media_type) {
  return media_type == media_type::kOciIndex || media_type == media_type::kDockerManifestList;
}

hashing::Digest descriptor_digest(const json& d, const std::string& where) {
  std::string why;
  auto digest = hashing::Digest::parse(string_at(d, "digest"), &why);
  if (!digest) throw Error(ErrorKind::kInput, where + ": " + why);
  return *digest;
}

std::string platform_of(const json& d) {
  if (!d.contains("platform") || !d["platform"].is_object()) return "";
  const json& p = d["platform"];
  std::string text = string_at(p, "os") + "/" + string_at(p, "architecture");
  if (const std::string variant = string_at(p, "variant"); !variant.empty()) text += "/" + variant;
  return text;
}

std::string manifest_type_of(const json& descriptor, const json& manifest) {
  std::string media_type = string_at(descriptor, "mediaType");
  if (media_type.empty()) media_type = string_at(manifest, "mediaType");
  return media_type.empty() ? media_type::kOciManifest : media_type;
}

void add_manifest_blobs(Image& image, const json& manifest, const hashing::Digest& digest,
                        const std::string& role_prefix, const BlobMaker& make_blob) {
  if (!manifest.contains("config") || !manifest.contains("layers") || !manifest["layers"].is_array())
    throw Error(ErrorKind::kInput, "manifest " + digest.str() + " has no config or layers");
  auto add = [&](const json& d, const std::string& role) {
    ImageBlob blob = make_blob(d, role_prefix + role);
    for (const auto& known : image.blobs)
      if (known.digest == blob.digest) return;
    image.blobs.push_back(std::move(blob));
  };
  add(manifest["config"], "config");
  int n = 0;
  for (const auto& layer : manifest["layers"]) add(layer, "layer " + std::to_string(++n));
}

std::string child_role_prefix(const std::string& platform, const hashing::Digest& digest) {
  return (platform.empty() ? digest.short_hex() : platform) + " ";
}

}  // namespace layerpush::engine
