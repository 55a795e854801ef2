#include "engine/image/blob_recipe.h"

#include "engine/compress/block_compressor.h"
#include "engine/image/synthetic_blob.h"
#include "hashing/sha256.h"
#include "io/file.h"

namespace layerpush::engine {
namespace {

// Feeds the recipe's stored bytes, in order, to `consume`; false if it asked to stop.
bool read_stored(const BlobRecipe& recipe, io::RangeReader& reader,
                 const std::function<bool(std::span<const std::byte>)>& consume) {
  if (recipe.encoding == Encoding::kSynthetic)
    return generate_synthetic(recipe.seed, recipe.length, consume);
  if (recipe.inline_bytes) {
    const auto& bytes = *recipe.inline_bytes;
    return consume(std::as_bytes(std::span(bytes.data(), bytes.size())));
  }
  bool stopped = false;
  auto file = io::File::open_read(recipe.path);
  reader.read(file.fd(), recipe.offset, recipe.length, [&](std::span<const std::byte> piece) {
    stopped = !consume(piece);
    return !stopped;
  });
  return !stopped;
}

}  // namespace

std::optional<ProducedBlob> produce_blob(
    const BlobRecipe& recipe, io::RangeReader& reader,
    const std::function<bool(std::span<const std::byte>)>& sink) {
  hashing::Sha256 produced_hash;
  std::uint64_t produced_size = 0;
  auto emit = [&](std::span<const std::byte> piece) {
    produced_hash.update(piece);
    produced_size += piece.size();
    return sink(piece);
  };

  if (recipe.encoding == Encoding::kAsStored || recipe.encoding == Encoding::kSynthetic) {
    if (!read_stored(recipe, reader, emit)) return std::nullopt;
    auto digest = produced_hash.finish();
    return ProducedBlob{digest, produced_size, digest};
  }

  hashing::Sha256 raw_hash;
  BlockCompressor compressor({compression_of(recipe.encoding), recipe.level}, emit);
  const bool completed = read_stored(recipe, reader, [&](std::span<const std::byte> piece) {
    raw_hash.update(piece);
    return compressor.feed(piece);
  });
  if (!completed || !compressor.finish()) return std::nullopt;
  return ProducedBlob{produced_hash.finish(), produced_size, raw_hash.finish()};
}

}  // namespace layerpush::engine
