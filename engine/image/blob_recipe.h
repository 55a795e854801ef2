// How a blob's bytes are made: where they come from (a BlobSource, engine/image/blob_source.h)
// and whether they are sent as the source stores them or compressed on the way (gzip or zstd, a
// docker-archive's plain tar layers). Plain data, safe to share.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "engine/compress/compression.h"
#include "engine/image/blob_source.h"

namespace layerpush::engine {

// kGzip, kZstd: compressed on the fly at `level` (engine/compress/block_compressor.h). The values
// are part of the digest cache's keys (engine/transfer/digest_cache.cpp): never renumber them.
enum class Encoding { kAsStored = 0, kGzip = 1, kZstd = 4 };

// The algorithm of a compressing encoding: kZstd for kZstd, else kGzip.
inline Compression compression_of(Encoding encoding) {
  return encoding == Encoding::kZstd ? Compression::kZstd : Compression::kGzip;
}

struct BlobRecipe {
  std::shared_ptr<const BlobSource> source;
  Encoding encoding = Encoding::kAsStored;
  int level = 1;  // with kGzip and kZstd; the rules are in engine/compress/compression.h

  bool compresses() const { return encoding != Encoding::kAsStored; }
  // The source's bytes, before any compression.
  std::uint64_t stored_length() const { return source ? source->length() : 0; }
};

// Reads the recipe's bytes from its source, encodes them, hashes both sides and hands the
// produced bytes to `sink` in order. Returns nullopt if the sink asked to stop. Throws as the
// source's read() does. Runs on a worker thread; CPU-heavy (hashing, compression).
std::optional<ProducedBlob> produce_blob(const BlobRecipe& recipe, const SourceReading& how,
                                         const ByteSink& sink);

}  // namespace layerpush::engine
