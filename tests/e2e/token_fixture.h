// End-to-end tests against a registry that wants Bearer tokens (the scheme of Docker Hub, GHCR
// and most hosted registries) from the project's own token server. WithTokenServer<Base> adds
// the server to a fixture (PushTest, ProxyPushTest) for one user and password; TokenPushTest is
// PushTest with it, for kTokenUser and kTokenPassword, and authfile() writes a docker config
// with a Basic entry for the registry.
#pragma once

#include <fstream>
#include <memory>
#include <string>

#include "tests/e2e/push_fixture.h"
#include "tests/support/token_server.h"

namespace layerpush::testing {

template <class Base>
class WithTokenServer : public Base {
 protected:
  WithTokenServer(std::string user, std::string password)
      : user_(std::move(user)), password_(std::move(password)) {}
  void SetUp() override {
    tokens_ = std::make_unique<TokenServer>(this->temp_.path(), user_, password_);
    Base::SetUp();  // the registry's options need the token server's realm
  }
  LocalRegistry::Options registry_options() const override {
    LocalRegistry::Options options;
    options.token_realm = tokens_->realm();
    options.token_certificate = tokens_->certificate_file();
    return options;
  }

  std::unique_ptr<TokenServer> tokens_;

 private:
  std::string user_;
  std::string password_;
};

class TokenPushTest : public WithTokenServer<PushTest> {
 protected:
  static constexpr const char* kTokenUser = "bob";
  static constexpr const char* kTokenPassword = "token-pw-1c9e";

  TokenPushTest() : WithTokenServer(kTokenUser, kTokenPassword) {}

  // A docker config file whose entry for the registry holds base64 `user_colon_password`.
  std::string authfile(const std::string& user_colon_password) {
    const auto b64 =
        run_command({"sh", "-c", "printf %s '" + user_colon_password + "' | base64 -w0"});
    const std::string path = dir("auth-" + std::to_string(files_++) + ".json");
    std::ofstream(path) << R"({"auths": {")" << registry_->host() << R"(": {"auth": ")" << b64.out
                        << R"("}}})";
    return path;
  }

  int files_ = 0;
};

}  // namespace layerpush::testing
