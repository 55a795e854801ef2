#include "engine/image/synthetic_blob.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "hashing/sha256.h"

namespace layerpush::engine {
namespace {

// splitmix64 (Steele, Lea, Flood 2014): passes BigCrush, one multiply-xorshift round per word.
std::uint64_t next_word(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// One piece of splitmix64 words, then each further piece is that one XORed with a fresh
// splitmix64 word per 64-bit lane: still no repeated run an LZ compressor could match (every word
// differs from the same word of every other piece), at the cost of a pass over memory rather than
// of a PRNG step per word: fresh splitmix64 for every word was 13% of `layerpush bench`'s samples
// (perf, 8 x 64 MiB, jobs 2).
class Pieces {
 public:
  // One Pieces at a time per thread: they share the thread's base piece.
  explicit Pieces(std::uint64_t seed) : state_(seed) {
    base_.resize(kSyntheticPiece / sizeof(std::uint64_t));
    for (auto& w : base_) w = next_word(state_);
  }

  // Writes the next piece's first `n` bytes (at most kSyntheticPiece) to `out`.
  void next(std::byte* out, std::size_t n) {
    if (first_) {
      first_ = false;
      std::memcpy(out, base_.data(), n);
      return;
    }
    const std::uint64_t mix[4] = {next_word(state_), next_word(state_), next_word(state_),
                                  next_word(state_)};
    const std::size_t words = n / sizeof(std::uint64_t);
    std::size_t i = 0;
    for (; i + 4 <= words; i += 4)
      for (std::size_t j = 0; j < 4; ++j) store(out, i + j, base_[i + j] ^ mix[j]);
    for (; i < words; ++i) store(out, i, base_[i] ^ mix[i % 4]);
    if (const std::size_t tail = n % sizeof(std::uint64_t); tail > 0) {
      const std::uint64_t w = base_[words] ^ mix[words % 4];
      std::memcpy(out + words * sizeof w, &w, tail);
    }
  }

 private:
  static void store(std::byte* out, std::size_t word, std::uint64_t value) {
    std::memcpy(out + word * sizeof value, &value, sizeof value);
  }

  // The thread's: 256 KiB is too much for a stack, and a heap block per blob is needless.
  static inline thread_local std::vector<std::uint64_t> base_;
  std::uint64_t state_;
  bool first_ = true;
};

}  // namespace

bool generate_synthetic(std::uint64_t seed, std::uint64_t length,
                        const std::function<bool(std::span<const std::byte>)>& consume) {
  thread_local std::vector<std::byte> piece(kSyntheticPiece);
  Pieces pieces(seed);
  for (std::uint64_t left = length; left > 0;) {
    const std::size_t n = std::min<std::uint64_t>(left, kSyntheticPiece);
    pieces.next(piece.data(), n);
    if (!consume(std::span(piece).first(n))) return false;
    left -= n;
  }
  return true;
}

bool generate_synthetic_into(std::uint64_t seed, std::uint64_t length,
                             io::BufferExchange& exchange) {
  Pieces pieces(seed);
  for (std::uint64_t left = length; left > 0;) {
    const std::size_t n = std::min<std::uint64_t>(left, kSyntheticPiece);
    std::byte* buffer = exchange.take();
    if (buffer == nullptr) return false;
    pieces.next(buffer, n);
    if (!exchange.give(buffer, n)) return false;
    left -= n;
  }
  return true;
}

std::optional<ProducedBlob> SyntheticSource::read(const SourceReading&,
                                                  const ByteSink& consume) const {
  hashing::Sha256 hash;
  const bool whole = generate_synthetic(seed_, length_, [&](std::span<const std::byte> piece) {
    hash.update(piece);
    return consume(piece);
  });
  if (!whole) return std::nullopt;
  const auto digest = hash.finish();
  return ProducedBlob{digest, length_, digest};
}

std::optional<ProducedBlob> SyntheticSource::read_into(const SourceReading& how,
                                                       BlobOutput& out) const {
  if (!digest_) return BlobSource::read_into(how, out);
  if (!generate_synthetic_into(seed_, length_, out)) return std::nullopt;
  return ProducedBlob{*digest_, length_, *digest_};
}

}  // namespace layerpush::engine
