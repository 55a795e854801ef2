// The JSON documents of an image: config, OCI manifest and index. Output is compact and
// byte-for-byte reproducible (keys in a fixed order), because digests are taken over it.
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hashing/digest.h"

namespace layerpush::mkimage {

inline constexpr char kOciManifestType[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kOciIndexType[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kOciConfigType[] = "application/vnd.oci.image.config.v1+json";
inline constexpr char kOciLayerType[] = "application/vnd.oci.image.layer.v1.tar";
inline constexpr char kOciGzipLayerType[] = "application/vnd.oci.image.layer.v1.tar+gzip";

struct Descriptor {
  std::string media_type;
  hashing::Digest digest;
  std::uint64_t size = 0;
};

// An OCI platform: os, architecture and an optional variant.
struct Platform {
  std::string os = "linux";
  std::string architecture = "amd64";
  std::string variant;
};
// "linux/arm64/v8" -> {linux, arm64, v8}; the text must have been checked to hold 1 or 2 '/'.
Platform parse_platform(const std::string& text);

// `history` holds one created_by text per layer.
std::string image_config_json(const std::vector<hashing::Digest>& diff_ids,
                              const std::vector<std::string>& history,
                              const Platform& platform = {});
std::string oci_manifest_json(const Descriptor& config, const std::vector<Descriptor>& layers);
// An index with the one manifest (or image index), annotated with its tag the way skopeo
// writes it.
std::string oci_index_json(const Descriptor& manifest, const std::string& tag);
// A multi-platform image index: each manifest with its platform.
std::string oci_platform_index_json(const std::vector<std::pair<Descriptor, Platform>>& manifests);

}  // namespace layerpush::mkimage
