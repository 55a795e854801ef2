// `layerpush sync CONFIG`: copies every image a sync config names (engine/sync/sync_config.h) from
// its source registry to its destination, as one plan rather than one image after another:
//   1. plan: list tags where the config asks for a regex or all tags, keep this shard's images,
//      read every source manifest (engine/registry/registry_source.h);
//   2. skip unchanged: one HEAD per destination tag; an image already there costs nothing more;
//   3. blobs: each distinct blob of a destination registry is uploaded once, to the first
//      repository that needs it, then mounted (?mount=&from=) into every other one, largest
//      blobs first, at most `jobs` at a time in all and `jobs_per_host` per registry host;
//   4. manifests: an image's children, then its tag, as soon as all its blobs are in.
// Progress is checkpointed (engine/sync/sync_state.h) so a run killed part way and started again
// sends neither a completed blob nor a completed image twice.
// sync_images() runs on the calling thread (network) plus worker pools and returns when done.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "engine/http/http_connection.h"
#include "engine/registry/retry_policy.h"
#include "engine/sync/shard.h"
#include "engine/sync/sync_config.h"
#include "engine/transfer/push.h"
#include "io/range_reader.h"

namespace layerpush::engine {

struct SyncOptions {
  int jobs = 5;           // blob transfers in flight across the whole run; docker's default
  int jobs_per_host = 0;  // at most this many of them touching one registry host; 0: `jobs`
  std::uint64_t chunk_size = 0;
  std::uint64_t max_request_size = 0;
  bool keep_going = false;  // an image that fails ends only itself, not the run
  bool dry_run = false;     // plan and check (GET, HEAD), write nothing
  bool no_clobber = false;  // leave destination tags that point elsewhere, report each
  Shard shard;
  RetrySettings retry;
  Timeouts timeouts;
  std::optional<io::Backend> io_backend;
  // The checkpoint file; nullopt: SyncState::default_path(config, shard); empty: none.
  std::optional<std::filesystem::path> state_file;
  std::optional<std::filesystem::path> upload_state;  // as PushOptions::upload_state
  std::string config_path;  // for the default checkpoint file's name
};

enum class ImageAction {
  kCopied,   // its manifest (and any blob it lacked) was put
  kSkipped,  // the destination tag already named this manifest, or the checkpoint says done
  kPlanned,  // --dry-run: it would be copied
  kRefused,  // --no-clobber: the destination tag points at another manifest
  kFailed,   // the source could not be read, or a blob or the manifest could not be put
};

struct SyncImageReport {
  std::string source;       // "host/repo:tag"
  std::string destination;  // "host/repo:tag"
  std::string digest;       // the manifest's, once known
  ImageAction action = ImageAction::kFailed;
  std::string error;        // kFailed, kRefused: one sentence
  double seconds = 0;       // from the start of the run to the image's end
};

struct SyncBlobReport {
  std::string repository;  // "host/repo" it was checked, uploaded or mounted in
  BlobReport blob;         // action kExists also for blobs the checkpoint says are done
  bool dry_run = false;    // `blob.action` is what would happen
};

struct SyncSummary {
  std::size_t images = 0;  // planned in this shard
  std::size_t copied = 0, skipped = 0, planned = 0, refused = 0, failed = 0;
  std::size_t blobs_uploaded = 0, blobs_mounted = 0, blobs_existing = 0;
  std::uint64_t bytes_uploaded = 0;  // with --dry-run: bytes that would be
  std::uint64_t requests = 0;        // to destination registries
  std::uint64_t retries = 0;
  double seconds = 0;
  std::string state_file;  // the checkpoint kept for a re-run, "" when none is left
  bool ok() const { return refused == 0 && failed == 0; }
};

// Told of progress on the network thread (planning: the calling thread); must return quickly.
class SyncObserver {
 public:
  virtual ~SyncObserver() = default;
  virtual void notice(const std::string& sentence) {}
  virtual void blob_done(const SyncBlobReport& report) {}
  virtual void image_done(const SyncImageReport& report) {}
};

// Throws engine::Error for what ends the whole run: bad usage, an unreadable config's sources
// (without keep_going), a destination that cannot be reached or authenticated, and without
// keep_going the first image that fails. Images that fail or are refused otherwise end up in
// the summary (and the observer), the rest of the run going on.
SyncSummary sync_images(const SyncConfig& config, const SyncOptions& options,
                        SyncObserver* observer = nullptr);

}  // namespace layerpush::engine
