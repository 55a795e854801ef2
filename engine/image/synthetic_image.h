// The synthetic images `layerpush bench` and bench/http_bench push: a small config and N
// incompressible layers made from seeds (engine/image/synthetic_blob.h), whose digests are found
// before the clock starts, so a run times only the push.
#pragma once

#include <cstdint>

#include "engine/image/image.h"

namespace layerpush::engine {

// `blobs` layers of `size` bytes, seeded seed+1 ... seed+blobs, and a config naming `seed`, so
// no two images made from seeds that far apart share a blob. Every digest and size is known:
// the layers are generated and hashed once here, on `threads` threads.
Image synthetic_image(std::uint64_t seed, int blobs, std::uint64_t size, int threads);

}  // namespace layerpush::engine
