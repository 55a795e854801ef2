// Pushing to a registry with token auth (the scheme of Docker Hub, GHCR and most hosted
// registries): a 401 challenge names the realm, layerpush asks it for a Bearer token for
// repository:NAME:pull,push with the user's credentials, and the registry checks the token's
// ES256 signature. The token server is the project's own (tests/support/token_server.h).
#include "tests/e2e/token_fixture.h"

namespace layerpush::testing {
namespace {

class TokenAuthTest : public TokenPushTest {
 protected:
  void SetUp() override {
    TokenPushTest::SetUp();
    image_ = make_image({"--format", "oci", "--out", dir("oci"), "--layers", "2",
                         "--layer-size", "256K", "--name", "e2e/token:v1"});
  }
  nlohmann::json image_;
};

TEST_F(TokenAuthTest, PushesWithABearerTokenFromTheRealm) {
  auto r = layerpush({"push", "--json", "--authfile", authfile("bob:token-pw-1c9e"),
                      "oci:" + dir("oci"), dest("e2e/token:v1")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(summary_of(r.out)["manifest_digest"], image_["manifest_digest"]);
  // One token for the whole push, shared by every concurrent upload.
  EXPECT_EQ(tokens_->tokens_issued(), 1);
  EXPECT_EQ(r.err.find("token-pw-1c9e"), std::string::npos);
  auto inspect = skopeo({"inspect", "--tls-verify=false", "--creds", "bob:token-pw-1c9e",
                         "--format", "{{.Digest}}", "docker://" + dest("e2e/token:v1")});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(inspect.out, image_["manifest_digest"].get<std::string>() + "\n");
}

TEST_F(TokenAuthTest, RefusedCredentialsNameTheTokenServer) {
  auto r = layerpush({"push", "--authfile", authfile("bob:wrong-77aa"), "oci:" + dir("oci"),
                      dest("e2e/token:v1")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("authentication to " + registry_->host() + " failed: the token server"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("401"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("wrong-77aa"), std::string::npos) << r.err;
  EXPECT_EQ(tokens_->tokens_issued(), 0);
}

}  // namespace
}  // namespace layerpush::testing
