// Where a blob's bytes come from and how they are made: a byte range of a file (an OCI blob
// file, or a layer inside a docker-archive tar), bytes already in memory (a config), sent as
// stored or compressed on the fly (gzip or zstd), or a blob on another registry (`copy`),
// streamed from its GET. Plain data, safe to share.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "engine/compress/compression.h"
#include "hashing/digest.h"
#include "io/range_reader.h"

namespace layerpush::engine {

// kRemote: the bytes are GET from `remote` (engine/registry/blob_download.h) and sent as they arrive.
// kSynthetic: `length` bytes made from `seed` (engine/image/synthetic_blob.h), for benchmarks.
// kGzip, kZstd: compressed on the fly at `level` (engine/compress/block_compressor.h).
enum class Encoding { kAsStored, kGzip, kRemote, kSynthetic, kZstd };

// The algorithm of a compressing encoding: kZstd for kZstd, else kGzip.
inline Compression compression_of(Encoding encoding) {
  return encoding == Encoding::kZstd ? Compression::kZstd : Compression::kGzip;
}

struct RemoteBlob;  // engine/registry/blob_download.h
class SpillFile;    // engine/transfer/spill_file.h

struct BlobRecipe {
  std::string path;  // file holding the bytes; empty when `inline_bytes` holds them
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::shared_ptr<const std::string> inline_bytes;
  Encoding encoding = Encoding::kAsStored;
  std::shared_ptr<const RemoteBlob> remote;  // with kRemote: where to GET the blob
  std::uint64_t seed = 0;                    // with kSynthetic
  int level = 1;  // with kGzip and kZstd; the rules are in engine/compress/compression.h
  // Set when `path` names this unnamed temporary file (a layer compressed once, kept for its
  // upload): the file lives as long as a recipe holds it.
  std::shared_ptr<const SpillFile> spill = nullptr;
};

struct ProducedBlob {
  hashing::Digest digest;  // of the bytes produced (what the registry stores)
  std::uint64_t size = 0;
  hashing::Digest raw_digest;  // of the stored bytes before encoding (a compressed layer's diff_id)
};

// Reads the recipe's bytes with `reader`, encodes them, hashes both sides and hands the produced
// bytes to `sink` in order. Returns nullopt if the sink asked to stop. Throws std::system_error
// for read errors. Runs on a worker thread; CPU-heavy (hashing, compression).
std::optional<ProducedBlob> produce_blob(const BlobRecipe& recipe, io::RangeReader& reader,
                                         const std::function<bool(std::span<const std::byte>)>& sink);

}  // namespace layerpush::engine
