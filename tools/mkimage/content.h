// Deterministic synthetic file content for test images. A stream is named by (seed, stream id);
// the same name always yields the same bytes, so two runs of layerpush-mkimage give the same
// digests. "random" is incompressible PRNG output; "text" is pseudo-text from a word list that
// gzip shrinks about 3-4x, like real text files. One object per stream; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace layerpush::mkimage {

enum class ContentKind { kRandom, kText };
std::optional<ContentKind> parse_content_kind(std::string_view name);
std::string_view content_kind_name(ContentKind kind);

// xoshiro256** seeded through splitmix64: a few cycles per 8 bytes, so generating content costs
// far less than hashing it.
class Xoshiro256 {
 public:
  explicit Xoshiro256(std::uint64_t seed);
  std::uint64_t next();

 private:
  std::uint64_t s_[4];
};

class ContentStream {
 public:
  ContentStream(ContentKind kind, std::uint64_t seed, std::uint64_t stream_id);
  // Fills `out` with the next bytes of the stream.
  void fill(std::span<std::byte> out);

 private:
  // Generates the next fixed-size block. Content depends only on the block's position in the
  // stream, never on how callers slice their fill() calls.
  void refill();
  void refill_text();

  ContentKind kind_;
  Xoshiro256 rng_;
  std::vector<std::byte> block_;
  std::size_t used_;
};

// Identifies one file of one layer as a content stream.
inline std::uint64_t stream_id(std::uint32_t image, std::uint32_t layer, std::uint32_t file) {
  return (std::uint64_t{image} << 40) ^ (std::uint64_t{layer} << 20) ^ file;
}

}  // namespace layerpush::mkimage
