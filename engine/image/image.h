// An image as the push engine sees it: its blobs (config first, then layers), each with where its
// bytes come from, and its manifest (given as exact bytes by an OCI layout, or built once every
// blob's digest is known for a docker-archive). A multi-platform image is an index with child
// manifests whose blobs are all in `blobs`. Plain data.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/image/blob_recipe.h"
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
inline constexpr const char* kDockerLayerTar = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr const char* kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* kOciLayerTar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char* kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
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

// An image manifest an image index lists; pushed by digest, before the index.
struct ChildManifest {
  hashing::Digest digest;
  std::string media_type;
  std::string bytes;     // exact
  std::string platform;  // "linux/arm64/v8", or "" when the index gives none
};

struct Image {
  std::string source;  // "oci:DIR:TAG", for messages
  // Every blob once, even when several children of an index share it.
  std::vector<ImageBlob> blobs;
  // For an image index (then manifest_bytes is the index): its images, in the index's order.
  std::vector<ChildManifest> children;
  std::string manifest_media_type;
  std::optional<std::string> manifest_bytes;  // exact bytes; nullopt until built
  std::optional<std::string> source_tag;      // a tag the source names the image by, if any
};

// Builds a Docker schema 2 manifest from blobs[0] (config) and the rest (layers), or an OCI image
// manifest of the same shape when manifest_media_type is kOciManifest (zstd layers). Every
// blob's digest and size must be known.
std::string build_docker_manifest(const Image& image);

// A Docker image config held in memory (`bytes`, exact), as the "config" blob of an image.
ImageBlob inline_config_blob(std::shared_ptr<const std::string> bytes);

}  // namespace layerpush::engine
