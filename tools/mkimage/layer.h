// One synthetic layer: a ustar archive holding a directory and a few regular files whose sizes
// add up to the requested layer size, with content from (seed, image, layer, file). The layout
// is fixed by the spec, so the archive's exact size is known before writing it, which lets
// docker-archive stream a layer straight into the outer tar. Stateless; safe from any thread.
#pragma once

#include <cstdint>
#include <string>

#include "tools/mkimage/content.h"
#include "tools/mkimage/sink.h"

namespace layerpush::mkimage {

struct LayerSpec {
  ContentKind kind = ContentKind::kRandom;
  std::uint64_t seed = 1;
  std::uint32_t image = 0;  // which image of a multi-image archive owns the content
  std::uint32_t index = 0;  // position in the image
  std::uint64_t size = 0;   // bytes of file content

  // Human-readable, used in history entries and to derive docker-archive layer IDs.
  std::string describe() const;
};

std::uint64_t layer_tar_size(const LayerSpec& spec);
void write_layer_tar(const LayerSpec& spec, ByteSink& out);

}  // namespace layerpush::mkimage
