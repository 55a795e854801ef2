#include "engine/image/blob_recipe.h"

#include "engine/compress/block_compressor.h"
#include "hashing/sha256.h"

namespace layerpush::engine {

std::optional<ProducedBlob> produce_blob(const BlobRecipe& recipe, const SourceReading& how,
                                         const ByteSink& sink) {
  if (!recipe.compresses()) return recipe.source->read(how, sink);

  hashing::Sha256 produced_hash;
  std::uint64_t produced_size = 0;
  BlockCompressor compressor({compression_of(recipe.encoding), recipe.level},
                             [&](std::span<const std::byte> piece) {
                               produced_hash.update(piece);
                               produced_size += piece.size();
                               return sink(piece);
                             });
  // The source hashes what it reads: that is the raw digest (a layer's diff_id).
  const auto raw = recipe.source->read(
      how, [&](std::span<const std::byte> piece) { return compressor.feed(piece); });
  if (!raw || !compressor.finish()) return std::nullopt;
  return ProducedBlob{produced_hash.finish(), produced_size, raw->digest};
}

}  // namespace layerpush::engine
