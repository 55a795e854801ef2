// Pushing to a registry that wants HTTP Basic auth (htpasswd), with credentials from a docker
// config file as `docker login` writes it. No output ever holds the password.
#include <fstream>

#include "tests/e2e/push_fixture.h"

namespace layerpush::testing {
namespace {

constexpr const char* kUser = "alice";
constexpr const char* kPassword = "pw-7f3a9c2e-never-printed";

class BasicAuthTest : public PushTest {
 protected:
  LocalRegistry::Options registry_options() const override {
    LocalRegistry::Options options;
    options.basic_user = kUser;
    options.basic_password = kPassword;
    return options;
  }
  void SetUp() override {
    PushTest::SetUp();
    image_ = make_image({"--format", "oci", "--out", dir("oci"), "--layers", "2",
                         "--layer-size", "256K", "--name", "e2e/auth:v1"});
  }
  // A docker config folder whose auths entry for the registry holds user:password.
  std::string docker_config(const std::string& password) {
    const std::string folder = dir("docker-config-" + password.substr(0, 4));
    std::filesystem::create_directories(folder);
    const auto auth = run_command({"sh", "-c", std::string("printf %s '") + kUser + ":" + password +
                                                   "' | base64 -w0"});
    std::ofstream(folder + "/config.json")
        << R"({"auths": {")" << registry_->host() << R"(": {"auth": ")" << auth.out << R"("}}})";
    return folder;
  }
  static void expect_no_secret(const CommandResult& r, const std::string& secret) {
    EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
  }
  nlohmann::json image_;
};

TEST_F(BasicAuthTest, PushesWithDockerLoginCredentials) {
  const auto folder = docker_config(kPassword);
  auto r = layerpush({"push", "--json", "oci:" + dir("oci"), dest("e2e/auth:v1")},
                     {"DOCKER_CONFIG=" + folder});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_no_secret(r, kPassword);
  EXPECT_EQ(summary_of(r.out)["manifest_digest"], image_["manifest_digest"]);
  auto inspect = skopeo({"inspect", "--tls-verify=false", "--creds",
                         std::string(kUser) + ":" + kPassword, "--format", "{{.Digest}}",
                         "docker://" + dest("e2e/auth:v1")});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(inspect.out, image_["manifest_digest"].get<std::string>() + "\n");
}

TEST_F(BasicAuthTest, WithoutCredentialsSaysHowToLogIn) {
  const std::string empty = dir("no-config");
  std::filesystem::create_directories(empty);
  auto r = layerpush({"push", "oci:" + dir("oci"), dest("e2e/auth:v1")}, {"DOCKER_CONFIG=" + empty});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(registry_->host() + " requires authentication; log in with `docker login"),
            std::string::npos)
      << r.err;
  // The first look went out before the registry said it wanted a login: refused, it opened
  // no upload session and sent no blob.
  EXPECT_EQ(blob_uploads_seen(), 0) << registry_->log_text();
}

TEST_F(BasicAuthTest, WrongPasswordFailsClearlyWithoutPrintingIt) {
  const std::string wrong = "wrong-5b1d-password";
  const auto folder = docker_config(wrong);
  auto r = layerpush({"push", "--authfile", folder + "/config.json", "oci:" + dir("oci"),
                      dest("e2e/auth:v1")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("authentication to " + registry_->host() +
                       " failed: the registry refused the credentials of user alice"),
            std::string::npos)
      << r.err;
  expect_no_secret(r, wrong);
  // The first look went out before the registry said it wanted a login: refused, it opened
  // no upload session and sent no blob.
  EXPECT_EQ(blob_uploads_seen(), 0) << registry_->log_text();
}

}  // namespace
}  // namespace layerpush::testing

namespace layerpush::testing {
namespace {  // the same unnamed namespace as above: BasicAuthTest is visible here

class PasswordStdinTest : public BasicAuthTest {};

TEST_F(PasswordStdinTest, TakesThePasswordFromStandardInput) {
  const std::string empty = dir("no-config");
  std::filesystem::create_directories(empty);
  auto r = run_command({built_program("layerpush").string(), "push", "--username", kUser,
                        "--password-stdin", "oci:" + dir("oci"), dest("e2e/auth:v1")},
                       std::string(kPassword) + "\n", {"DOCKER_CONFIG=" + empty});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  expect_no_secret(r, kPassword);
  auto refused = layerpush({"push", "--username", kUser, "oci:" + dir("oci"), dest("e2e/auth:v1")});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("--username needs --password-stdin"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace layerpush::testing
