// What every blob coroutine of one push shares: the network executor, the worker pool, the
// registry client, the options, the reader backend, the observer, the upload journal and the
// digest cache. Owned by push_image() for the push's length; used from the network thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/registry/registry_client.h"
#include "engine/transfer/digest_cache.h"
#include "engine/transfer/push.h"
#include "engine/transfer/upload_journal.h"
#include "engine/transfer/worker_pool.h"
#include "io/range_reader.h"

namespace layerpush::engine {

// What one pipelined check (RegistryClient::check_presence) learned before the lanes started.
struct KnownPresence {
  std::vector<std::optional<bool>> blobs;  // per image blob index; nullopt: not asked or no answer
  double seconds = 0;                      // how long the check took
};

struct PushContext {
  boost::asio::any_io_executor network;
  WorkerPool& workers;
  RegistryClient& client;
  const PushOptions& options;
  io::Backend backend;
  PushObserver* observer;  // may be null
  const UploadJournal& journal;
  // A repository of the same registry to mount missing blobs from before uploading them: the
  // push's own PushOptions::mount_from, or per blob in a sync (the repository it went to first).
  std::optional<std::string> mount_from;
  // Digests of layers compressed on the fly, from earlier pushes; null when not used (--no-cache,
  // or nothing to compress).
  DigestCache* digest_cache = nullptr;
  // Blobs known to be in or missing already, so their lane sends no HEAD; null in a sync.
  const KnownPresence* presence = nullptr;
};

}  // namespace layerpush::engine
