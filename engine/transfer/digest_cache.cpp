#include "engine/transfer/digest_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "engine/compress/block_codec.h"

namespace layerpush::engine {
namespace {

// The format's name and version; a file that does not start with it is not ours.
constexpr char kMagic[16] = {'l', 'a', 'y', 'e', 'r', 'p', 'u', 's',
                             'h', ' ', 'd', 'c', ' ', 'v', '1', '\n'};

// identity (16) | digest (32) | size (8) | raw digest (32) | XXH3-64 of the 88 bytes before (8)
constexpr std::size_t kRecordSize = 96;
constexpr std::size_t kChecked = kRecordSize - 8;
using Record = std::array<unsigned char, kRecordSize>;

void put_u64(unsigned char* at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) at[i] = static_cast<unsigned char>(v >> (8 * i));
}

std::uint64_t get_u64(const unsigned char* at) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(at[i]) << (8 * i);
  return v;
}

void put_digest(unsigned char* at, const hashing::Digest& digest) {
  const auto hex = digest.hex();
  for (std::size_t i = 0; i < 32; ++i)
    at[i] = static_cast<unsigned char>(std::stoi(std::string(hex.substr(2 * i, 2)), nullptr, 16));
}

hashing::Digest get_digest(const unsigned char* at) {
  std::array<std::uint8_t, 32> bytes;
  std::memcpy(bytes.data(), at, bytes.size());
  return hashing::Digest::from_sha256_bytes(bytes);
}

Record encode(const DigestCache::Identity& id, const CachedDigests& d) {
  Record r{};
  put_u64(r.data(), id.high);
  put_u64(r.data() + 8, id.low);
  put_digest(r.data() + 16, d.digest);
  put_u64(r.data() + 48, d.size);
  put_digest(r.data() + 56, d.raw_digest);
  put_u64(r.data() + kChecked, XXH3_64bits(r.data(), kChecked));
  return r;
}

bool intact(const unsigned char* r) { return get_u64(r + kChecked) == XXH3_64bits(r, kChecked); }

// Every field that changes when the bytes may have: a rewrite in place moves mtime and ctime, a
// replacement moves the inode; plus what was made of the range.
std::optional<DigestCache::Identity> identity_from(const struct stat& st, const FileRange& range,
                                                   const BlobRecipe& recipe) {
  const std::uint64_t fields[] = {
      static_cast<std::uint64_t>(st.st_dev),
      static_cast<std::uint64_t>(st.st_ino),
      static_cast<std::uint64_t>(st.st_size),
      static_cast<std::uint64_t>(st.st_mtim.tv_sec),
      static_cast<std::uint64_t>(st.st_mtim.tv_nsec),
      static_cast<std::uint64_t>(st.st_ctim.tv_sec),
      static_cast<std::uint64_t>(st.st_ctim.tv_nsec),
      range.offset,
      range.length,
      static_cast<std::uint64_t>(recipe.encoding),
      static_cast<std::uint64_t>(recipe.level),
      compress_block_size(compression_of(recipe.encoding)),  // part of the bytes' format
  };
  const XXH128_hash_t h = XXH3_128bits(fields, sizeof fields);
  return DigestCache::Identity{h.high64, h.low64};
}

// Only a local file's range has an identity to key by; a spill file is this process's alone.
const FileRange* cacheable_range(const BlobRecipe& recipe) {
  const FileRange* range = recipe.source ? recipe.source->in_file() : nullptr;
  return range && !range->hashed_when_written ? range : nullptr;
}

}  // namespace

std::filesystem::path DigestCache::default_file() {
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache && *cache)
    return std::filesystem::path(cache) / "layerpush" / "digests";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::filesystem::path(home) / ".cache" / "layerpush" / "digests";
  return {};
}

DigestCache::DigestCache(std::filesystem::path file, std::size_t max_entries)
    : file_(std::move(file)), max_entries_(max_entries) {
  if (!file_.empty()) load();
}

void DigestCache::load() {
  std::ifstream in(file_, std::ios::binary);
  if (!in) return;
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  bool damaged = bytes.size() < sizeof kMagic || std::memcmp(data, kMagic, sizeof kMagic) != 0 ||
                 (bytes.size() - sizeof kMagic) % kRecordSize != 0;
  for (std::size_t at = sizeof kMagic; !damaged && at < bytes.size(); at += kRecordSize) {
    const unsigned char* r = data + at;
    if (!intact(r)) {
      damaged = true;
      break;
    }
    const Identity id{get_u64(r), get_u64(r + 8)};
    if (!entries_.contains(id)) order_.push_back(id);
    entries_.insert_or_assign(
        id, CachedDigests{get_digest(r + 16), get_u64(r + 48), get_digest(r + 56)});
  }
  if (damaged) {
    // One bad record casts doubt on its neighbours: start again rather than guess.
    entries_.clear();
    order_.clear();
    std::error_code ignored;
    std::filesystem::remove(file_, ignored);
    return;
  }
  if (entries_.size() > max_entries_) rewrite_newest_half();
}

std::optional<DigestCache::Identity> DigestCache::identity_of(const BlobRecipe& recipe) {
  const FileRange* range = cacheable_range(recipe);
  if (!range) return std::nullopt;
  struct stat st;
  if (::stat(range->path.c_str(), &st) != 0) return std::nullopt;
  // The kernel stamps times from a coarse clock (one tick, at most 10 ms): a file changed within
  // the tick of its last change keeps its ctime. One changed that recently could change again
  // unseen, so it has no identity yet (git's "racily clean" entries, the same cure).
  struct timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  const auto ns = [](const struct timespec& t) {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
  };
  if (ns(now) - ns(st.st_ctim) < kSettledAfter.count()) return std::nullopt;
  return identity_from(st, *range, recipe);
}

std::optional<CachedDigests> DigestCache::find(const Identity& identity) const {
  const auto it = entries_.find(identity);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void DigestCache::remember(const BlobRecipe& recipe, const Identity& before,
                           const CachedDigests& digests) {
  if (file_.empty() || identity_of(recipe) != before) return;
  if (!entries_.contains(before)) order_.push_back(before);
  entries_.insert_or_assign(before, digests);
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  const int fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return;
  const Record record = encode(before, digests);
  // A new file gets the header first. Two processes creating it at once could both write one;
  // the second header then fails the size check and the file is rebuilt, as designed.
  struct stat st;
  bool ok = ::fstat(fd, &st) == 0;
  if (ok && st.st_size == 0) ok = ::write(fd, kMagic, sizeof kMagic) == sizeof kMagic;
  // One write per record: O_APPEND keeps concurrent writers' records whole.
  if (ok) ok = ::write(fd, record.data(), record.size()) == static_cast<ssize_t>(record.size());
  ::close(fd);
  if (entries_.size() > max_entries_) rewrite_newest_half();
}

void DigestCache::rewrite_newest_half() {
  const std::size_t keep = max_entries_ / 2;
  std::erase_if(order_, [&](const Identity& id) { return !entries_.contains(id); });
  const std::size_t drop = order_.size() > keep ? order_.size() - keep : 0;
  for (std::size_t i = 0; i < drop; ++i) entries_.erase(order_[i]);
  order_.erase(order_.begin(), order_.begin() + static_cast<std::ptrdiff_t>(drop));

  const auto temp = file_.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(kMagic, sizeof kMagic);
    for (const auto& id : order_) {
      const Record r = encode(id, entries_.at(id));
      out.write(reinterpret_cast<const char*>(r.data()), static_cast<std::streamsize>(r.size()));
    }
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      return;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, file_, ec);
}

}  // namespace layerpush::engine
