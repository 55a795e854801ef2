// The Authorization header of a copy's source registry, shared by the blob downloads of every
// worker thread. Bearer tokens run out during long copies; a download refused with 401 asks for
// a new one here. Renewals are single-flight: downloads refused together with the same header
// cause one renewal, the others wait for it and use its result (a generation number tells
// whether someone renewed since a header was taken). Thread-safe. The header value is a secret:
// never put it in a message or a log.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "engine/image/reference.h"
#include "engine/registry/registry_options.h"

namespace layerpush::engine {

class SourceAuthorizer {
 public:
  // Blocking; returns a fresh header value, or throws engine::Error.
  using Renew = std::function<std::string()>;

  SourceAuthorizer(std::string initial, Renew renew)
      : value_(std::move(initial)), renew_(std::move(renew)) {}
  SourceAuthorizer(const SourceAuthorizer&) = delete;
  SourceAuthorizer& operator=(const SourceAuthorizer&) = delete;

  // Authenticates to `repository` again as RegistrySession does (GET /v2/, the token server),
  // with `options`' credentials, else the docker config's, on the calling thread.
  static std::shared_ptr<SourceAuthorizer> for_registry(std::string initial,
                                                        const Reference& repository,
                                                        const RegistryOptions& options);

  struct Header {
    std::string value;  // "Bearer …", "Basic …" or empty
    int generation = 0;
  };
  Header current() const;

  // Replaces the header unless it was replaced since `seen_generation`, then returns the newest.
  // A renewal that fails is rethrown to its caller and to those that waited for it.
  Header renew(int seen_generation);

 private:
  mutable std::mutex mutex_;
  std::condition_variable renewed_;
  std::string value_;           // guarded by mutex_
  int generation_ = 0;          // guarded by mutex_
  bool renewing_ = false;       // guarded by mutex_
  std::exception_ptr failure_;  // guarded by mutex_: of the last renewal, if it failed
  Renew renew_;                 // called without the lock, by one thread at a time
};

}  // namespace layerpush::engine
