#include "engine/registry/registry_session.h"

namespace layerpush::engine {

RegistrySession::RegistrySession(const Reference& repository, const RegistryOptions& options)
    : registry_(repository.registry),
      options_(options),
      pool_(options.tls, options.timeouts),
      client_(registry_base(repository.api_host(), options.plain_http), repository.repository,
              pool_, options.retry) {}

const std::optional<Credentials>& RegistrySession::credentials() {
  if (!credentials_)
    credentials_ = options_.credentials ? options_.credentials
                                        : load_credentials(registry_, options_.authfile);
  return *credentials_;
}

void RegistrySession::authenticate(const Response* ping) {
  const auto& credentials = this->credentials();
  run([&]() -> boost::asio::awaitable<void> { co_await client_.authenticate(credentials, ping); });
}

}  // namespace layerpush::engine
