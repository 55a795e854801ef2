// Pushes one image to one registry repository: every blob checked with HEAD and uploaded only if
// missing, at most `jobs` blobs at a time, the manifest last and only when every blob is in.
// push_image() runs the whole push on the calling thread (network) plus a small worker pool
// (reading, hashing, compressing) and returns when it is done.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/compress/compression.h"
#include "engine/image/image.h"
#include "engine/image/reference.h"
#include "engine/registry/registry_options.h"
#include "io/range_reader.h"

namespace layerpush::engine {

// Connection and login settings come from RegistryOptions.
struct PushOptions : RegistryOptions {
  int jobs = 5;                 // blobs in flight at once; docker's default
  std::uint64_t chunk_size = 0;  // 0: each blob in one request; else PATCH chunks of this size
  std::optional<io::Backend> io_backend;  // forced reader backend; else probed
  // Largest body of one request (0: no limit): blobs above it go in PATCH chunks of this size,
  // for proxies with a body limit. Registries that refuse a large body make it smaller still.
  std::uint64_t max_request_size = 0;
  // Where upload sessions are journaled so a re-run after a kill resumes them; nullopt for
  // UploadJournal::default_folder(), an empty path for no journal.
  std::optional<std::filesystem::path> upload_state;
  // Leave a destination tag that points at another manifest as it is: the push then ends with
  // engine::Error(kTagTaken) after its blobs are in, and puts no manifest.
  bool no_clobber = false;
  // A repository of the same registry that may hold the blobs (`copy` between repositories):
  // each missing blob is mounted from it first (POST ?mount=&from=), and uploaded only when the
  // registry does not mount it. Tokens then also ask for repository:FROM:pull.
  std::optional<std::string> mount_from;
  // How layers the source holds uncompressed (docker-archive tars) are compressed; layers already
  // compressed are sent as they are (engine/image/layer_compression.h).
  CompressionSettings compression;
  // Where the digests of layers compressed on the fly are remembered between pushes
  // (engine/transfer/digest_cache.h): nullopt for DigestCache::default_file(), an empty path for no
  // cache.
  std::optional<std::filesystem::path> digest_cache;
  // Peak memory is bounded by jobs * kBuffersPerBlob * kBlobBufferSize
  // (engine/transfer/blob_producer.h) whatever the layer sizes; bench/push_vs_skopeo.sh measures
  // it.
};

enum class BlobAction { kUploaded, kExists, kMounted };

struct BlobReport {
  std::string role;
  std::string digest;
  std::uint64_t size = 0;
  BlobAction action = BlobAction::kExists;
  double seconds = 0;
  int retries = 0;  // requests of this blob sent again (after a failure, a redirect or a 401)
  // The digest of a layer compressed on the fly came from the digest cache: the layer was
  // neither read nor compressed to find it.
  bool digest_cached = false;
  // Where `seconds` went, for `layerpush bench`: the HEAD; the upload (POST, then the body in one
  // PUT or in PATCHes, up to its last byte written, retries included); the commit (from that
  // last byte to the registry's answer to the final PUT: its verify-and-store latency). Zero for
  // the phases a blob did not go through.
  double head_seconds = 0;
  double upload_seconds = 0;
  double commit_seconds = 0;
};

struct PushReport {
  std::string reference;  // normalized destination
  std::string manifest_digest;
  std::uint64_t manifest_size = 0;
  double seconds = 0;
  std::uint64_t bytes_uploaded = 0;
  std::uint64_t requests = 0;
  std::uint64_t connections = 0;
  std::uint64_t retries = 0;  // requests sent again after a transient failure, whole push
  std::string io_backend;
  std::vector<BlobReport> blobs;  // in image order: config, then layers
};

// Told of progress on the network thread; implementations must return quickly.
class PushObserver {
 public:
  virtual ~PushObserver() = default;
  virtual void notice(const std::string& sentence) {}
  // The blob's digest and size are known (at once for OCI layouts, after compression otherwise).
  virtual void blob_ready(std::size_t index, const ImageBlob& blob) {}
  virtual void blob_progress(std::size_t index, std::uint64_t bytes_sent) {}
  // The upload goes on from byte `offset` (what the registry holds) after `why` happened.
  virtual void blob_restart(std::size_t index, std::uint64_t offset, const std::string& why) {}
  virtual void blob_done(std::size_t index, const BlobReport& report) {}
};

// Throws engine::Error; no tag or manifest is written unless every blob is in the registry.
// With options.no_clobber, a destination tag that already points at this manifest is left as
// it is (success, no PUT), and one that points at another ends the push with kTagTaken.
PushReport push_image(Image image, const Reference& destination, const PushOptions& options,
                      PushObserver* observer = nullptr);

}  // namespace layerpush::engine
