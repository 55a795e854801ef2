// Synthetic blobs for `layerpush bench`: LENGTH incompressible bytes made from a 64-bit seed by
// a fast PRNG (splitmix64, one piece of it varied by XOR after the first), so a benchmark pushes
// data that no disk holds and that no registry can have seen (a fresh seed per repetition). The
// same seed always gives the same bytes, which is what lets the digest be found in a first pass and
// the bytes made again for the upload. Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

#include "engine/image/blob_recipe.h"
#include "io/range_reader.h"

namespace layerpush::engine {

inline constexpr std::size_t kSyntheticPiece = 256 << 10;

// Feeds the LENGTH bytes of `seed` to `consume` in pieces of at most kSyntheticPiece; false if
// it asked to stop.
bool generate_synthetic(std::uint64_t seed, std::uint64_t length,
                        const std::function<bool(std::span<const std::byte>)>& consume);

// The same bytes made straight in `exchange`'s buffers, which must hold kSyntheticPiece bytes:
// the upload's path, with no copy of each piece into a pipe buffer. False if the exchange
// stopped it (a null take(), a false give()).
bool generate_synthetic_into(std::uint64_t seed, std::uint64_t length,
                             io::BufferExchange& exchange);

// A recipe for those bytes (Encoding::kSynthetic); produce_blob() makes and hashes them.
BlobRecipe synthetic_recipe(std::uint64_t seed, std::uint64_t length);

}  // namespace layerpush::engine
