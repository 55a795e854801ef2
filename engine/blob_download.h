// Reads one blob from a source registry for `layerpush copy`: a blocking HTTP/1.1 GET of
// /v2/REPO/blobs/DIGEST on a worker thread, following 307/308 redirects to storage (S3, GCS)
// without the registry's Authorization, handing the body on in pieces as it arrives and hashing
// it on the way. Nothing touches the disk. Each call owns its connection and io_context, so
// calls on different threads are independent; RemoteBlob is plain data, safe to share.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "engine/blob_recipe.h"
#include "engine/http_connection.h"
#include "engine/tls_context.h"
#include "engine/upload_url.h"

namespace layerpush::engine {

struct RemoteBlob {
  Url url;  // https://HOST/v2/REPO/blobs/sha256:…
  // The Authorization header value for the registry's own origin ("Bearer …", "Basic …" or
  // empty). A secret: never put in a message or a log.
  std::string authorization;
  // Shared by every download of one copy, so the trust store is loaded once, not per blob.
  std::shared_ptr<SharedTlsContext> tls;
  Timeouts timeouts;
  std::string where;  // "HOST/REPO", for messages
};

// GETs the blob and gives its body to `sink` in order; more than `max_size` bytes are refused as
// corrupt (the digest check that follows would refuse them anyway, but only at the end). Returns
// the digest and size of what was read, or nullopt if `sink` asked to stop. Throws
// engine::Error: kTransport (retried by the caller's upload), kRegistry for a refusal, with
// Recovery::kRetry for 429/5xx answers.
std::optional<ProducedBlob> download_blob(
    const RemoteBlob& blob, std::uint64_t max_size,
    const std::function<bool(std::span<const std::byte>)>& sink);

}  // namespace layerpush::engine
