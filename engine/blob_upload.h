// One blob's way into the registry, as a coroutine on the network thread:
//   (digest pass, for layers compressed on the fly) -> HEAD -> POST -> PUT or PATCH... PUT.
// Reading, hashing and compressing run on the worker pool; bytes flow through a bounded pipe.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "engine/image.h"
#include "engine/push.h"
#include "engine/registry_client.h"
#include "engine/upload_journal.h"

namespace layerpush::engine {

struct PushContext {
  boost::asio::any_io_executor network;
  boost::asio::thread_pool& workers;
  RegistryClient& client;
  const PushOptions& options;
  io::Backend backend;
  PushObserver* observer;  // may be null
  const UploadJournal& journal;
};

// Finds the digest of a blob that is compressed on the fly (by compressing it once, on a worker)
// and checks its uncompressed digest against the expected diff_id. No-op when already known.
boost::asio::awaitable<void> resolve_digest(PushContext& context, ImageBlob& blob);

// Checks, and uploads if missing, resuming a journaled session and retrying each request as
// RetrySettings allow. The blob's digest must be known. When it gives up the error is rethrown;
// the session is abandoned (DELETE) unless a later run could still resume it.
boost::asio::awaitable<BlobReport> push_blob(PushContext& context, const ImageBlob& blob,
                                             std::size_t index);

}  // namespace layerpush::engine
