// What layerpush-mkimage was asked to write, after parsing and checking the command line.
// Plain values; safe to share once built.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/mkimage/content.h"

namespace layerpush::mkimage {

struct Options {
  enum class Format { kOci, kDockerArchive };
  Format format = Format::kOci;
  std::filesystem::path out;
  std::uint32_t layers = 3;
  std::uint64_t layer_size = 1 << 20;
  std::uint64_t seed = 1;
  // Layer 0's seed, when it should be shared by images that differ otherwise (a common base
  // layer, as many images of one estate have); unset: `seed`.
  std::optional<std::uint64_t> base_seed;
  std::uint64_t seed_of_layer(std::uint32_t index) const {
    return index == 0 && base_seed ? *base_seed : seed;
  }
  ContentKind content = ContentKind::kRandom;
  std::string repo = "test/image";  // --name before the tag
  std::string tag = "latest";
  std::uint32_t images = 1;  // docker-archive only
  bool gzip_layers = false;  // oci only
  // oci only: one image per platform ("linux/arm64/v8"), all under one image index; layer 0 is
  // the same in each (a shared base), the others differ.
  std::vector<std::string> platforms;
};

// "1048576", "512K", "64M", "2G" (binary units; "KiB", "MB" and lowercase also accepted).
std::optional<std::uint64_t> parse_size(std::string_view text);

// Splits "repo:tag" at the last ':' after the last '/', so "host:5000/repo" has no tag.
// A missing tag is "latest".
void split_name(std::string_view name, std::string& repo, std::string& tag);

}  // namespace layerpush::mkimage
