// Remembers what reading a byte range of a local file produced (its stored bytes' digest, and
// the digest and size of the bytes sent after compression), keyed by the file's identity, so a
// second push of an unchanged docker-archive neither reads nor compresses a layer before its
// HEAD. The key is an XXH3-128 of device, inode, size, mtime, ctime (which no one can set back),
// the byte range, the encoding and the level: any change to the file, or other settings, is a
// miss. One file of fixed-size records, each with its own checksum, appended as they are learnt;
// a file that fails any check is dropped and rebuilt, never half trusted. Bounded: past
// kMaxEntries the newest half is kept.
// One object per push, used from one thread at a time; several processes may share the file
// (appends of one record each; a rewrite replaces the file by rename).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include "engine/image/blob_recipe.h"
#include "hashing/digest.h"

namespace layerpush::engine {

struct CachedDigests {
  hashing::Digest digest;      // of the bytes sent (compressed)
  std::uint64_t size = 0;      // of the bytes sent
  hashing::Digest raw_digest;  // of the stored bytes (a layer's diff_id)
};

class DigestCache {
 public:
  // 96-byte records: 64 Ki of them is a 6 MiB file, far more layers than one machine pushes.
  static constexpr std::size_t kMaxEntries = 1 << 16;
  // A file whose ctime is younger than this is not cached (identity_of() says why).
  static constexpr std::chrono::nanoseconds kSettledAfter = std::chrono::milliseconds(100);

  // $XDG_CACHE_HOME/layerpush/digests, else ~/.cache/layerpush/digests; empty without a home.
  static std::filesystem::path default_file();

  // Loads `file` (missing: empty). A damaged file is removed and the cache starts empty.
  explicit DigestCache(std::filesystem::path file, std::size_t max_entries = kMaxEntries);

  // The identity of the recipe's file now: looked up with find(), and passed to remember() once
  // the bytes have been read (taken before reading, so a file changed while it was read is not
  // remembered). nullopt for a recipe that is not a local file's range (only those are cached),
  // or a file changed in the last kSettledAfter.
  struct Identity {
    std::uint64_t high = 0, low = 0;
    friend bool operator==(const Identity&, const Identity&) = default;
  };
  static std::optional<Identity> identity_of(const BlobRecipe& recipe);

  // What the file with this identity produced before, or nullopt.
  std::optional<CachedDigests> find(const Identity& identity) const;

  // Records `digests` under `before` if the file still has that identity. Failing to write the
  // file is not an error: the cache is an optimisation.
  void remember(const BlobRecipe& recipe, const Identity& before, const CachedDigests& digests);

  std::size_t size() const { return entries_.size(); }

 private:
  struct IdentityHash {
    std::size_t operator()(const Identity& id) const { return static_cast<std::size_t>(id.low); }
  };
  void load();
  void rewrite_newest_half();

  std::filesystem::path file_;
  std::size_t max_entries_;
  std::unordered_map<Identity, CachedDigests, IdentityHash> entries_;
  std::vector<Identity> order_;  // oldest first, for trimming
};

}  // namespace layerpush::engine
