// A small token server for tests, as a registry's `auth.token` realm: it signs ES256 JWTs that
// distribution 2.8.2 accepts (kid = libtrust fingerprint of its key, which the certificate at
// certificate_file() carries for the registry's rootcertbundle). It grants what is asked for to
// anyone presenting `user`:`password` with Basic auth, and answers 401 otherwise. Serves on a
// free loopback port from its own thread until destroyed; counts the tokens it issued.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

namespace layerpush::testing {

class TokenServer {
 public:
  TokenServer(std::filesystem::path folder, std::string user, std::string password);
  ~TokenServer();

  std::string realm() const;  // "http://127.0.0.1:PORT/token"
  static constexpr const char* kService = "layerpush-test-registry";
  static constexpr const char* kIssuer = "layerpush-test-issuer";
  std::filesystem::path certificate_file() const { return folder_ / "token-cert.pem"; }
  int tokens_issued() const { return issued_; }

 private:
  struct Impl;
  void serve();
  std::filesystem::path folder_;
  std::string user_;
  std::string password_;
  std::unique_ptr<Impl> impl_;
  std::atomic<int> issued_ = 0;
  std::thread thread_;
};

}  // namespace layerpush::testing
