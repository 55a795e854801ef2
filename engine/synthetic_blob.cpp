#include "engine/synthetic_blob.h"

#include <cstring>
#include <vector>

namespace layerpush::engine {
namespace {

// splitmix64 (Steele, Lea, Flood 2014): passes BigCrush, one multiply-xorshift round per word.
std::uint64_t next_word(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr std::size_t kPiece = 256 << 10;  // the push pipe's buffer size (blob_producer.h)

}  // namespace

bool generate_synthetic(std::uint64_t seed, std::uint64_t length,
                        const std::function<bool(std::span<const std::byte>)>& consume) {
  std::vector<std::uint64_t> words(kPiece / sizeof(std::uint64_t));
  std::uint64_t state = seed;
  std::uint64_t left = length;
  while (left > 0) {
    for (auto& w : words) w = next_word(state);
    const std::size_t n = left < kPiece ? static_cast<std::size_t>(left) : kPiece;
    if (!consume(std::as_bytes(std::span(words)).first(n))) return false;
    left -= n;
  }
  return true;
}

BlobRecipe synthetic_recipe(std::uint64_t seed, std::uint64_t length) {
  BlobRecipe recipe;
  recipe.length = length;
  recipe.encoding = Encoding::kSynthetic;
  recipe.seed = seed;
  return recipe;
}

}  // namespace layerpush::engine
