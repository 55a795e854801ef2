// One attempt at reading a source blob (engine/registry/blob_download.h has the retries around it):
// a blocking GET of the bytes not yet read, redirects followed without the registry's
// Authorization, the body streamed to a sink and hashed. Resumes with `Range: bytes=N-` and
// drops the first N bytes of a server that answers 200 instead, so across attempts the sink and
// the hash see every byte once. Blocking; one call per thread at a time per FetchProgress.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "engine/registry/blob_download.h"
#include "hashing/sha256.h"

namespace layerpush::engine {

// What the attempts at one blob have read so far.
struct FetchProgress {
  hashing::Sha256 hash;      // of the bytes given to the sink
  std::uint64_t offset = 0;  // how many were given: where the next attempt starts
  bool use_ranges = true;    // false once a server answered a Range request with another range
};

// "sha256:…", the last component of the blob's path, for messages.
std::string digest_named(const RemoteBlob& blob);

// GETs the blob from progress.offset on with `authorization` (empty: none). False when the sink
// asked to stop. Throws engine::Error: kCorrupt (in full: blob, source, why) for a body longer
// than `max_size` or shorter than what was read before; otherwise with a message that is only
// the cause ("HOST answered 503 Service Unavailable", "connecting to HOST failed: …") and the
// Recovery that may help: kRetry, kReauthenticate for a 401 from the registry, or kNone.
bool fetch_rest(const RemoteBlob& blob, const std::string& authorization, std::uint64_t max_size,
                FetchProgress& progress,
                const std::function<bool(std::span<const std::byte>)>& sink);

}  // namespace layerpush::engine
