#include "engine/image/layer_compression.h"

namespace layerpush::engine {

std::string oci_media_type(const std::string& type) {
  if (type == media_type::kDockerConfig) return media_type::kOciConfig;
  if (type == media_type::kDockerLayerGzip) return media_type::kOciLayerGzip;
  if (type == media_type::kDockerLayerTar) return media_type::kOciLayerTar;
  return type;
}

void apply_compression(Image& image, const CompressionSettings& settings) {
  bool needs_oci = false;
  for (auto& blob : image.blobs) {
    // Only the loader's compress-on-the-fly layers, whose diff_id is known, are ours to encode.
    if (blob.recipe.encoding != Encoding::kGzip || !blob.expected_raw_digest || blob.digest)
      continue;
    blob.recipe.level = settings.level;
    switch (settings.algorithm) {
      case Compression::kGzip:
        blob.media_type = media_type::kDockerLayerGzip;
        break;
      case Compression::kZstd:
        blob.recipe.encoding = Encoding::kZstd;
        blob.media_type = media_type::kOciLayerZstd;
        needs_oci = true;
        break;
      case Compression::kNone:
        // Sent as stored: its digest is its diff_id, checked again as the bytes are read.
        blob.recipe.encoding = Encoding::kAsStored;
        blob.media_type = media_type::kDockerLayerTar;
        blob.digest = blob.expected_raw_digest;
        blob.size = blob.recipe.stored_length();
        blob.expected_raw_digest.reset();
        break;
    }
  }
  if (!needs_oci || image.manifest_media_type != media_type::kDockerManifest) return;
  image.manifest_media_type = media_type::kOciManifest;
  for (auto& blob : image.blobs) blob.media_type = oci_media_type(blob.media_type);
}

}  // namespace layerpush::engine
