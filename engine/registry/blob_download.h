// Reads one blob from a source registry for `layerpush copy`: a blocking HTTP/1.1 GET of
// /v2/REPO/blobs/DIGEST on a worker thread, following 307/308 redirects to storage (S3, GCS)
// without the registry's Authorization, handing the body on in pieces as it arrives and hashing
// it on the way. Nothing touches the disk. Transient failures are retried here, with the
// source's own retry settings: a GET that broke off part way is resumed with
// `Range: bytes=N-`, so the sink sees every byte once, and a 401 (a token that ran out during a
// long copy) gets one fresh Authorization from the source's SourceAuthorizer. Each call owns its
// connection and io_context, so calls on different threads are independent; RemoteBlob is
// immutable once made and safe to share.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "engine/http/http_connection.h"
#include "engine/http/tls_context.h"
#include "engine/http/url.h"
#include "engine/image/blob_source.h"
#include "engine/registry/retry_policy.h"
#include "engine/registry/source_authorizer.h"

namespace layerpush::engine {

struct RemoteBlob {
  Url url;  // https://HOST/v2/REPO/blobs/sha256:…
  // The registry's Authorization, shared by every blob of the source (null: none), sent to the
  // registry's own origin only.
  std::shared_ptr<SourceAuthorizer> authorizer;
  // Shared by every download of one copy, so the trust store is loaded once, not per blob.
  std::shared_ptr<SharedTlsContext> tls;
  Timeouts timeouts;
  RetrySettings retry;  // the source's (--src-retries), not the destination's
  std::string where;    // "HOST/REPO", for messages
};

// GETs the blob and gives its body to `sink` in order, each byte once; more than `max_size`
// bytes are refused as corrupt (the digest check that follows would refuse them anyway, but
// only at the end). Returns the digest and size of what was read, or nullopt if `sink` asked to
// stop. `stopped`, when given, is asked during backoff pauses so that a cancelled transfer does
// not sit them out. Throws engine::Error naming the digest, the source and the cause, with
// Recovery::kNone: what retries could do has been done (", still after N retries"). kCorrupt
// for a body longer than `max_size`; kRegistry for a refusal; kTransport for a connection that
// kept failing.
std::optional<ProducedBlob> download_blob(
    const RemoteBlob& blob, std::uint64_t max_size,
    const std::function<bool(std::span<const std::byte>)>& sink,
    const std::function<bool()>& stopped = {});

}  // namespace layerpush::engine
