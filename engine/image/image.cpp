#include "engine/image/image.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "engine/image/inline_bytes_source.h"
#include "hashing/sha256.h"

namespace layerpush::engine {
namespace {
nlohmann::ordered_json descriptor(const ImageBlob& blob) {
  if (!blob.digest || !blob.size)
    throw std::logic_error(blob.role + " has no digest yet; the manifest cannot be built");
  return {{"mediaType", blob.media_type}, {"size", *blob.size}, {"digest", blob.digest->str()}};
}
}  // namespace

std::string build_docker_manifest(const Image& image) {
  nlohmann::ordered_json manifest;
  manifest["schemaVersion"] = 2;
  manifest["mediaType"] = image.manifest_media_type == media_type::kOciManifest
                             ? media_type::kOciManifest
                             : media_type::kDockerManifest;
  manifest["config"] = descriptor(image.blobs.at(0));
  manifest["layers"] = nlohmann::ordered_json::array();
  for (std::size_t i = 1; i < image.blobs.size(); ++i)
    manifest["layers"].push_back(descriptor(image.blobs[i]));
  // Docker indents its manifests with three spaces; any bytes would do, the digest covers them.
  return manifest.dump(3);
}

ImageBlob inline_config_blob(std::shared_ptr<const std::string> bytes) {
  ImageBlob blob;
  blob.role = "config";
  blob.media_type = media_type::kDockerConfig;
  blob.digest = hashing::sha256_of(*bytes);
  blob.size = bytes->size();
  blob.recipe.source = std::make_shared<const InlineBytesSource>(std::move(bytes));
  return blob;
}

}  // namespace layerpush::engine
