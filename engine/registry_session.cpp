#include "engine/registry_session.h"

namespace layerpush::engine {

RegistrySession::RegistrySession(const Reference& repository, const RegistryOptions& options)
    : registry_(repository.registry),
      options_(options),
      pool_(options.tls, options.timeouts),
      client_(registry_base(repository.api_host(), options.plain_http), repository.repository,
              pool_, options.retry) {}

void RegistrySession::authenticate() {
  const auto credentials =
      options_.credentials ? options_.credentials : load_credentials(registry_, options_.authfile);
  run([&]() -> boost::asio::awaitable<void> { co_await client_.authenticate(credentials); });
}

}  // namespace layerpush::engine
