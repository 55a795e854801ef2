// What the sink registry remembers, shared by all its connections and threads: the digests and
// sizes of blobs it verified (never their bytes), open upload sessions with their running
// SHA-256, the manifests put (small, kept whole), and the counters a benchmark reads. Every
// collection is bounded, so a long benchmark cannot grow the sink without limit. Thread-safe:
// one mutex guards the collections (held only for map operations, never while hashing or doing
// I/O); counters are atomics.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <variant>

#include "hashing/sha256.h"
#include "tools/sink/counters.h"

namespace layerpush::sink {

// An upload session. Only the connection holding its UploadClaim touches `hasher`; `offset` is
// read by status requests from other connections meanwhile, hence atomic.
struct Upload {
  std::string name;
  hashing::Sha256 hasher;
  std::atomic<std::uint64_t> offset{0};  // bytes received and hashed so far
  bool claimed = false;                  // guarded by Store's mutex
};

struct Manifest {
  std::string digest;  // "sha256:…" of body
  std::string content_type;
  std::string body;
};

class Store;

// Exclusive use of one upload session for one request; released when destroyed.
class UploadClaim {
 public:
  UploadClaim(Store& store, std::string uuid, std::shared_ptr<Upload> upload);
  ~UploadClaim();
  UploadClaim(const UploadClaim&) = delete;
  UploadClaim& operator=(const UploadClaim&) = delete;
  Upload& operator*() const { return *upload_; }
  Upload* operator->() const { return upload_.get(); }
  const std::string& uuid() const { return uuid_; }

 private:
  Store& store_;
  std::string uuid_;
  std::shared_ptr<Upload> upload_;
};

class Store {
 public:
  // Bounds: verified blobs remembered, open sessions, manifests (count and bytes). Defaults
  // fit a benchmark of a million blobs in about 200 MB.
  struct Limits {
    std::size_t blobs = 1'000'000;
    std::size_t uploads = 65'536;
    std::size_t manifests = 100'000;
    std::size_t manifest_bytes = 256u << 20;
  };
  explicit Store(Limits limits);
  Store() : Store(Limits{}) {}
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // A new session for `name`; nullopt when `limits.uploads` are open already. Returns its UUID.
  std::optional<std::string> open_upload(const std::string& name);
  enum class ClaimError { kUnknown, kBusy };
  // The session `uuid` of repository `name` for this request alone, or why not.
  std::variant<std::unique_ptr<UploadClaim>, ClaimError> claim_upload(const std::string& name,
                                                                      const std::string& uuid);
  // Bytes received by session `uuid` of `name`; nullopt if there is no such session.
  std::optional<std::uint64_t> upload_offset(const std::string& name, const std::string& uuid);
  // Ends a session (cancelled, committed or failed). Returns whether it existed.
  bool close_upload(const std::string& uuid);

  // A verified blob; the oldest-inserted one is forgotten beyond `limits.blobs`.
  void add_blob(const std::string& digest, std::uint64_t size);
  std::optional<std::uint64_t> blob_size(const std::string& digest);

  // Stores `manifest` under NAME:REFERENCE and NAME@DIGEST, forgetting the oldest beyond limits.
  void put_manifest(const std::string& name, const std::string& reference,
                    std::shared_ptr<const Manifest> manifest);
  std::shared_ptr<const Manifest> manifest(const std::string& name, const std::string& reference);
  bool delete_manifest(const std::string& name, const std::string& reference);

  AtomicCounters& counters() { return counters_; }

 private:
  friend class UploadClaim;
  void release(const std::string& uuid);
  void remember_manifest(std::string key, std::shared_ptr<const Manifest> manifest);

  const Limits limits_;
  AtomicCounters counters_;
  std::mutex mutex_;
  std::mt19937_64 random_;                                            // GUARDED_BY(mutex_)
  std::unordered_map<std::string, std::shared_ptr<Upload>> uploads_;  // GUARDED_BY(mutex_)
  std::unordered_map<std::string, std::uint64_t> blobs_;              // GUARDED_BY(mutex_)
  std::deque<std::string> blob_order_;                                // GUARDED_BY(mutex_)
  std::unordered_map<std::string, std::shared_ptr<const Manifest>> manifests_;  // GUARDED_BY
  std::deque<std::string> manifest_order_;  // GUARDED_BY(mutex_)
  std::size_t manifest_bytes_ = 0;          // GUARDED_BY(mutex_)
};

}  // namespace layerpush::sink
