// An image as the push engine sees it: its blobs (config first, then layers), each with where its
// bytes come from, and its manifest (given as exact bytes by an OCI layout, or built once every
// blob's digest is known for a docker-archive). Plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/blob_recipe.h"
#include "hashing/digest.h"

namespace layerpush::engine {

namespace media_type {
inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
}  // namespace media_type

struct ImageBlob {
  std::string role;        // "config" or "layer N", for messages
  std::string media_type;  // as the manifest names it
  BlobRecipe recipe;
  // Known up front for OCI layouts and configs; found by a first pass for layers compressed on
  // the fly, whose stored bytes' digest must then equal `expected_raw_digest` (the diff_id).
  std::optional<hashing::Digest> digest;
  std::optional<std::uint64_t> size;
  std::optional<hashing::Digest> expected_raw_digest;
};

struct Image {
  std::string source;  // "oci:DIR:TAG", for messages
  std::vector<ImageBlob> blobs;
  std::string manifest_media_type;
  std::optional<std::string> manifest_bytes;  // exact bytes; nullopt until built
  std::optional<std::string> source_tag;      // a tag the source names the image by, if any
};

// Builds a Docker schema 2 manifest from blobs[0] (config) and the rest (layers). Every blob's
// digest and size must be known.
std::string build_docker_manifest(const Image& image);

}  // namespace layerpush::engine
