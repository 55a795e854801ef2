// A small token server for tests, as a registry's `auth.token` realm: it signs ES256 JWTs that
// distribution 2.8.2 accepts (kid = libtrust fingerprint of its key, which the certificate at
// certificate_file() carries for the registry's rootcertbundle). It grants what is asked for to
// anyone presenting `user`:`password` with Basic auth (or the identity token of its Policy), and
// answers 401 otherwise. Serves on a
// free loopback port from its own thread until destroyed; counts the tokens it issued.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
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
  int refresh_forms_received() const { return refresh_forms_; }

  // How tokens are granted; may be changed while clients use the server.
  struct Policy {
    int expires_in = 300;            // seconds: the JWT's exp, and expires_in in the answer
    bool expired = false;            // grant tokens that expired ten minutes ago
    std::string identity_token{};    // also grant for this refresh token (POST form, or GET
                                     // with Basic "<token>":TOKEN)
    bool refuse_refresh_form = false;  // answer the POST form 405, as GCR-like servers do
  };
  void set_policy(Policy policy);

 private:
  struct Impl;
  void serve();
  std::filesystem::path folder_;
  std::string user_;
  std::string password_;
  std::unique_ptr<Impl> impl_;
  Policy policy_snapshot() const;
  std::atomic<int> issued_ = 0;
  std::atomic<int> refresh_forms_ = 0;
  mutable std::mutex policy_mutex_;
  Policy policy_;  // guarded by policy_mutex_
  std::thread thread_;
};

}  // namespace layerpush::testing
