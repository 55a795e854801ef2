#include "engine/synthetic_blob.h"

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
  // One piece of splitmix64 words, then each further piece is that one XORed with a fresh
  // splitmix64 word per 64-bit lane: still no repeated run an LZ compressor could match (every
  // word differs from the same word of every other piece), at the cost of a copy rather than of
  // a PRNG step per word: fresh splitmix64 for every word was 13% of `layerpush bench`'s
  // samples (perf, 8 x 64 MiB, jobs 2).
  thread_local std::vector<std::uint64_t> base(kPiece / sizeof(std::uint64_t));
  thread_local std::vector<std::uint64_t> words(base.size());
  std::uint64_t state = seed;
  for (auto& w : base) w = next_word(state);
  std::uint64_t left = length;
  for (bool first = true; left > 0; first = false) {
    if (first) {
      words = base;
    } else {
      std::uint64_t mix[4] = {next_word(state), next_word(state), next_word(state),
                              next_word(state)};
      for (std::size_t i = 0; i < words.size(); i += 4)
        for (std::size_t j = 0; j < 4; ++j) words[i + j] = base[i + j] ^ mix[j];
    }
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
