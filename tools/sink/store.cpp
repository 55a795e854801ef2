#include "tools/sink/store.h"

#include <cstdio>

namespace layerpush::sink {
namespace {

// A random version-4 UUID, as distribution names its sessions.
std::string make_uuid(std::mt19937_64& random) {
  std::uint64_t high = random(), low = random();
  high = (high & ~0xf000ull) | 0x4000ull;                       // version 4
  low = (low & 0x3fffffffffffffffull) | 0x8000000000000000ull;  // RFC 4122 variant
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xffff), static_cast<unsigned>(high & 0xffff),
                static_cast<unsigned>(low >> 48),
                static_cast<unsigned long long>(low & 0xffffffffffffull));
  return text;
}

}  // namespace

UploadClaim::UploadClaim(Store& store, std::string uuid, std::shared_ptr<Upload> upload)
    : store_(store), uuid_(std::move(uuid)), upload_(std::move(upload)) {}

UploadClaim::~UploadClaim() { store_.release(uuid_); }

Store::Store(Limits limits) : limits_(limits), random_(std::random_device{}()) {}

std::optional<std::string> Store::open_upload(const std::string& name) {
  auto upload = std::make_shared<Upload>();
  upload->name = name;
  std::lock_guard lock(mutex_);
  if (uploads_.size() >= limits_.uploads) return std::nullopt;
  std::string uuid = make_uuid(random_);
  uploads_.emplace(uuid, std::move(upload));
  return uuid;
}

std::variant<std::unique_ptr<UploadClaim>, Store::ClaimError> Store::claim_upload(
    const std::string& name, const std::string& uuid) {
  std::lock_guard lock(mutex_);
  const auto it = uploads_.find(uuid);
  if (it == uploads_.end() || it->second->name != name) return ClaimError::kUnknown;
  if (it->second->claimed) return ClaimError::kBusy;
  it->second->claimed = true;
  return std::make_unique<UploadClaim>(*this, uuid, it->second);
}

void Store::release(const std::string& uuid) {
  std::lock_guard lock(mutex_);
  // The session may have been closed (committed, cancelled) while claimed: nothing to release.
  if (const auto it = uploads_.find(uuid); it != uploads_.end()) it->second->claimed = false;
}

std::optional<std::uint64_t> Store::upload_offset(const std::string& name,
                                                  const std::string& uuid) {
  std::lock_guard lock(mutex_);
  const auto it = uploads_.find(uuid);
  if (it == uploads_.end() || it->second->name != name) return std::nullopt;
  return it->second->offset.load();
}

bool Store::close_upload(const std::string& uuid) {
  std::lock_guard lock(mutex_);
  return uploads_.erase(uuid) > 0;
}

void Store::add_blob(const std::string& digest, std::uint64_t size) {
  std::lock_guard lock(mutex_);
  if (!blobs_.insert_or_assign(digest, size).second) return;  // known already: order unchanged
  blob_order_.push_back(digest);
  while (blobs_.size() > limits_.blobs) {
    blobs_.erase(blob_order_.front());
    blob_order_.pop_front();
  }
}

std::optional<std::uint64_t> Store::blob_size(const std::string& digest) {
  std::lock_guard lock(mutex_);
  const auto it = blobs_.find(digest);
  if (it == blobs_.end()) return std::nullopt;
  return it->second;
}

void Store::put_manifest(const std::string& name, const std::string& reference,
                         std::shared_ptr<const Manifest> manifest) {
  // Built before `manifest` is moved from: argument evaluation order is unspecified.
  std::string by_digest = name + "@" + manifest->digest;
  std::lock_guard lock(mutex_);
  if (reference != manifest->digest) remember_manifest(name + ":" + reference, manifest);
  remember_manifest(std::move(by_digest), std::move(manifest));
}

void Store::remember_manifest(std::string key, std::shared_ptr<const Manifest> manifest) {
  manifest_bytes_ += manifest->body.size();
  auto [it, inserted] = manifests_.try_emplace(key, manifest);
  if (!inserted) {
    manifest_bytes_ -= it->second->body.size();
    it->second = std::move(manifest);
    return;  // its place in the eviction order stays that of the first put
  }
  manifest_order_.push_back(std::move(key));
  // Deleted keys linger in the order until they reach its front: bound it too.
  while (manifests_.size() > limits_.manifests || manifest_order_.size() > 2 * limits_.manifests ||
         (manifest_bytes_ > limits_.manifest_bytes && manifests_.size() > 1)) {
    if (const auto old = manifests_.find(manifest_order_.front()); old != manifests_.end()) {
      manifest_bytes_ -= old->second->body.size();
      manifests_.erase(old);
    }
    manifest_order_.pop_front();
  }
}

std::shared_ptr<const Manifest> Store::manifest(const std::string& name,
                                                const std::string& reference) {
  const bool by_digest = reference.starts_with("sha256:");
  std::lock_guard lock(mutex_);
  const auto it = manifests_.find(name + (by_digest ? "@" : ":") + reference);
  return it == manifests_.end() ? nullptr : it->second;
}

bool Store::delete_manifest(const std::string& name, const std::string& reference) {
  const bool by_digest = reference.starts_with("sha256:");
  std::lock_guard lock(mutex_);
  const auto it = manifests_.find(name + (by_digest ? "@" : ":") + reference);
  if (it == manifests_.end()) return false;
  manifest_bytes_ -= it->second->body.size();
  manifests_.erase(it);  // its key stays in manifest_order_; eviction skips missing keys
  return true;
}

}  // namespace layerpush::sink
