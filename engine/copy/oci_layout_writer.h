// Writes an Image into an OCI image layout folder (`layerpush copy SRC oci:DIR[:TAG]`): the
// folder and its oci-layout file made when missing, every blob into blobs/sha256 (checked and
// renamed into place by engine/image/oci_blob_file.h; one already there is not read again), at most
// `jobs` at a time on worker threads, each streamed in pieces from its file or its registry
// GET; then the child manifests and the manifest as blobs; index.json last
// (engine/image/oci_index_file.h), so the index never names a manifest whose blobs are not all in
// place. A manifest made here (a docker-archive's) is an OCI one, as skopeo writes layouts; one
// read from a source is kept byte for byte, Docker types too, as crane keeps them.
// copy_into_oci_layout() runs on the calling thread plus its workers and returns when done.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/compress/compression.h"
#include "engine/image/image.h"
#include "engine/registry/retry_policy.h"
#include "io/range_reader.h"

namespace layerpush::engine {

struct LayoutWriteOptions {
  int jobs = 5;                    // blobs written at once; as push's default
  std::optional<std::string> tag;  // the ref.name annotation; none: an untagged entry
  bool no_clobber = false;         // a tag that names another manifest is left alone (kTagTaken)
  std::optional<io::Backend> io_backend;  // forced reader backend; else probed
  RetrySettings retry;                    // for blobs read from a registry
  CompressionSettings compression;        // for a docker-archive's uncompressed layers
};

struct LayoutBlobReport {
  std::string role;
  std::string digest;
  std::uint64_t size = 0;
  bool written = false;  // false: it was in the layout already
  double seconds = 0;
};

struct LayoutReport {
  std::string destination;  // "oci:DIR:TAG"
  std::string manifest_digest;
  std::uint64_t manifest_size = 0;
  double seconds = 0;
  std::uint64_t bytes_written = 0;
  std::string io_backend;
  std::vector<LayoutBlobReport> blobs;  // in image order: config, then layers
};

// Told of progress from worker threads, one call at a time; must return quickly.
class LayoutObserver {
 public:
  virtual ~LayoutObserver() = default;
  virtual void notice(const std::string& sentence) {}
  virtual void blob_done(std::size_t index, const LayoutBlobReport& report) {}
};

// Throws engine::Error: kInput for a DIR that is not a folder or an index.json that is not an
// index, kCorrupt for bytes that do not match their digest, kLocalRead for a read or write that
// failed, kTagTaken with no_clobber, the source's errors (kRegistry, kTransport) for registry
// blobs. After a failure index.json is as it was; blobs already renamed into place stay.
LayoutReport copy_into_oci_layout(Image image, const std::string& dir,
                                  const LayoutWriteOptions& options,
                                  LayoutObserver* observer = nullptr);

}  // namespace layerpush::engine
