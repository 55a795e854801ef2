// Synthetic blobs for `layerpush bench`: LENGTH incompressible bytes made from a 64-bit seed by
// a fast PRNG (splitmix64, one piece of it varied by XOR after the first), so a benchmark pushes
// data that no disk holds and that no registry can have seen (a fresh seed per repetition). The
// same seed always gives the same bytes, which is what lets the digest be found in a first pass and
// the bytes made again for the upload. Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>

#include "engine/image/blob_source.h"
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

// Those bytes as a blob's source. Until their digest is known, read_into() hashes them like any
// other bytes; once it is (found by a first pass, engine/image/synthetic_image.h), it makes them
// straight in the network's buffers and does not hash them again: hashing them could only find
// the same digest, and skipping it leaves the client's CPU to the network path that
// `layerpush bench` measures.
class SyntheticSource final : public BlobSource {
 public:
  SyntheticSource(std::uint64_t seed, std::uint64_t length,
                  std::optional<hashing::Digest> digest = std::nullopt)
      : seed_(seed), length_(length), digest_(digest) {}

  std::uint64_t length() const override { return length_; }
  std::string describe() const override { return "blob"; }
  std::optional<ProducedBlob> read(const SourceReading& how,
                                   const ByteSink& consume) const override;
  std::optional<ProducedBlob> read_into(const SourceReading& how, BlobOutput& out) const override;

 private:
  static_assert(kSyntheticPiece == kBlobBufferSize, "pieces are made in the network's buffers");
  std::uint64_t seed_;
  std::uint64_t length_;
  std::optional<hashing::Digest> digest_;
};

}  // namespace layerpush::engine
