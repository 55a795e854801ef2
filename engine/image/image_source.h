// Turns a SOURCE argument into an Image: "oci:DIR[:TAG|@DIGEST]", "docker-archive:FILE[:REF]", or
// a bare path whose kind is detected (a folder with an oci-layout file, or a tar file).
#pragma once

#include <string_view>

#include "engine/image/image.h"

namespace layerpush::engine {

// Throws engine::Error(kInput) for an unknown transport, a missing path or a malformed source.
Image load_source(std::string_view spec);

}  // namespace layerpush::engine
