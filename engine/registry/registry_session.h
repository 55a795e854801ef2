// One repository on one registry, set up the way every command that talks to a registry needs
// it: an io_context for the network thread, a connection pool, and a RegistryClient that has
// asked GET /v2/ how to authenticate (with the credentials given, else the docker config's).
// Owned and used by one thread, which runs the network work in run().
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>

#include "engine/http/connection_pool.h"
#include "engine/image/reference.h"
#include "engine/registry/registry_client.h"
#include "engine/registry/registry_options.h"

namespace layerpush::engine {

class RegistrySession {
 public:
  // Nothing goes on the wire until authenticate() or run().
  RegistrySession(const Reference& repository, const RegistryOptions& options);
  RegistrySession(const RegistrySession&) = delete;
  RegistrySession& operator=(const RegistrySession&) = delete;

  // Loads the credentials (which may run a docker-credential helper) and authenticates: one
  // GET /v2/, two with a login; none when `ping` is an answer to it already. Throws
  // engine::Error.
  void authenticate(const Response* ping = nullptr);
  // The credentials for the registry: the options', else the docker config's (which may run a
  // docker-credential helper). Loaded on first use, once.
  const std::optional<Credentials>& credentials();

  // Runs `body` (a coroutine lambda) on io() until it and everything it started finish;
  // rethrows what it threw.
  template <class Body>
  void run(Body body) {
    std::exception_ptr failure;
    boost::asio::co_spawn(ioc_, std::move(body), [&](std::exception_ptr e) { failure = e; });
    ioc_.restart();  // an earlier run() left the context stopped
    ioc_.run();
    if (failure) std::rethrow_exception(failure);
  }

  boost::asio::io_context& io() { return ioc_; }
  ConnectionPool& pool() { return pool_; }
  RegistryClient& client() { return client_; }

 private:
  std::string registry_;
  const RegistryOptions& options_;
  std::optional<std::optional<Credentials>> credentials_;  // outer: loaded yet
  boost::asio::io_context ioc_{1};
  ConnectionPool pool_;
  RegistryClient client_;
};

}  // namespace layerpush::engine
