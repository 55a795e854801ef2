#include "engine/registry/source_authorizer.h"

#include "engine/registry/registry_session.h"

namespace layerpush::engine {

std::shared_ptr<SourceAuthorizer> SourceAuthorizer::for_registry(std::string initial,
                                                                 const Reference& repository,
                                                                 const RegistryOptions& options) {
  // A whole new session, not the one that read the manifests: that one belongs to the thread
  // that made it, and renewals happen on download workers.
  auto renew = [repository, options] {
    RegistrySession session(repository, options);
    session.authenticate();
    return session.client().authorization();
  };
  return std::make_shared<SourceAuthorizer>(std::move(initial), std::move(renew));
}

SourceAuthorizer::Header SourceAuthorizer::current() const {
  std::lock_guard lock(mutex_);
  return {value_, generation_};
}

SourceAuthorizer::Header SourceAuthorizer::renew(int seen_generation) {
  std::unique_lock lock(mutex_);
  renewed_.wait(lock, [this] { return !renewing_; });
  if (generation_ != seen_generation) return {value_, generation_};
  // Someone tried for this generation and failed: trying again at once would fail the same way.
  if (failure_) std::rethrow_exception(failure_);
  renewing_ = true;
  lock.unlock();
  std::string fresh;
  std::exception_ptr failure;
  try {
    fresh = renew_();
  } catch (...) {
    failure = std::current_exception();
  }
  lock.lock();
  renewing_ = false;
  failure_ = failure;
  if (!failure) {
    value_ = std::move(fresh);
    ++generation_;
  }
  renewed_.notify_all();
  if (failure) std::rethrow_exception(failure);
  return {value_, generation_};
}

}  // namespace layerpush::engine
