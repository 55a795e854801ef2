// One blob's way into the registry, as a coroutine on the network thread:
//   (digest pass, for layers compressed on the fly) -> HEAD -> POST -> PUT or PATCH... PUT.
// Reading, hashing and compressing run on the worker pool; bytes flow through a bounded pipe.
// Each failed request is retried or resumed here (upload_session.h has the steps).
#pragma once

#include "engine/image/image.h"
#include "engine/transfer/push_context.h"

namespace layerpush::engine {

// What the digest cache said of a blob compressed on the fly: a hit (the blob's digest is then
// set), or the file identity it was looked up under, to remember the digests by once found.
// The identity is taken before anything is read, and once per blob unless the file was too
// recently changed to have one then.
struct Recalled {
  bool hit = false;
  std::optional<DigestCache::Identity> identity;  // nullopt: not cacheable, or no cache
};
Recalled recall_digest(PushContext& context, ImageBlob& blob);

// Finds the digest of a blob that is compressed on the fly, by compressing it once on a worker
// (the compressed bytes then kept in a spill file for the upload), and checks its uncompressed
// digest against the expected diff_id; remembers the digests under `recalled.identity`. No-op
// when already known (from the cache, recall_digest()).
boost::asio::awaitable<void> resolve_digest(PushContext& context, ImageBlob& blob,
                                            const Recalled& recalled);

// A lane's sessions opened ahead (SessionAhead): the one the previous blob's PUT opened for this
// blob, and the one this blob's PUT may open for the lane's next.
struct LaneSessions {
  std::optional<Url> for_this;
  SessionAhead for_next;
};

// Checks (unless context.presence already knows), and uploads if missing, resuming a journaled
// session and retrying each request as RetrySettings allow. The blob's digest must be known.
// When it gives up the error is rethrown; the session is abandoned (DELETE) unless a later run
// could still resume it. With `lane`, uses the session opened for this blob, and asks for the
// next one behind this blob's PUT when lane->for_next wants it.
boost::asio::awaitable<BlobReport> push_blob(PushContext& context, const ImageBlob& blob,
                                             std::size_t index, LaneSessions* lane = nullptr);

}  // namespace layerpush::engine
