// One blob put into an OCI layout's blobs/sha256 folder so that a file named after a digest only
// ever holds exactly those bytes: streamed into a temporary file in the same folder, checked
// against the digest and size it must have, fsync'd, then renamed to its name (atomic within one
// folder). A reader never sees a partial blob; a crash leaves only a ".tmp-" file behind. Memory
// stays at one piece of the stream. Safe to call from several threads for different blobs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "engine/image/blob_recipe.h"
#include "engine/image/image.h"
#include "hashing/digest.h"

namespace layerpush::engine {

struct StoredBlob {
  hashing::Digest digest;
  std::uint64_t size = 0;
  bool written = false;  // false: a file of that name was there already
};

// True when BLOBS_DIR/HEX exists as a file of `size` bytes. Its bytes are not read: a name is a
// promise of its content, as skopeo and containerd take it.
bool blob_file_present(const std::string& blobs_dir, const hashing::Digest& digest,
                       std::uint64_t size);

// Writes the bytes `fill` gives to its sink (nullopt from `fill`: stopped, nothing kept). They
// must match `blob.digest` and `blob.size` when those are known, and hash to
// `blob.expected_raw_digest` before encoding when that is given. Throws engine::Error: kCorrupt
// for a mismatch, kLocalRead naming the path when the file cannot be written.
using BlobSink = std::function<bool(std::span<const std::byte>)>;
using BlobFill = std::function<std::optional<ProducedBlob>(const BlobSink& sink)>;
std::optional<StoredBlob> store_blob(const std::string& blobs_dir, const ImageBlob& blob,
                                     const BlobFill& fill);

// Exact bytes in memory (a manifest) stored under `digest`, which they must hash to.
StoredBlob store_bytes(const std::string& blobs_dir, const hashing::Digest& digest,
                       const std::string& bytes);

}  // namespace layerpush::engine
