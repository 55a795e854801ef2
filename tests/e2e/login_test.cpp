// `layerpush login` / `logout` against an htpasswd registry: credentials are checked before they
// are saved, saved as docker saves them (mode 0600), used by push, and removed by logout.
#include <sys/stat.h>

#include <fstream>

#include "tests/e2e/push_fixture.h"

namespace layerpush::testing {
namespace {

constexpr const char* kPassword = "login-pw-0d4e";

class LoginTest : public PushTest {
 protected:
  LocalRegistry::Options registry_options() const override {
    LocalRegistry::Options options;
    options.basic_user = "dave";
    options.basic_password = kPassword;
    return options;
  }
  CommandResult login(const std::string& password) {
    return run_command({built_program("layerpush").string(), "login", registry_->host(), "-u",
                        "dave", "--password-stdin"},
                       password + "\n", {"DOCKER_CONFIG=" + config_dir_});
  }
  std::string config_text() {
    std::ifstream in(config_dir_ + "/config.json");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  std::string config_dir_ = dir("docker");
};

TEST_F(LoginTest, RefusedCredentialsAreNotSaved) {
  auto r = login("not-it-3a1b");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("login to " + registry_->host() + " failed"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("not-it-3a1b"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(config_dir_ + "/config.json"));
}

TEST_F(LoginTest, SavesCredentialsThatPushUsesAndLogoutRemoves) {
  auto r = login(kPassword);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Login Succeeded"), std::string::npos);
  EXPECT_EQ(r.out.find(kPassword), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((config_dir_ + "/config.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  const auto saved = nlohmann::json::parse(config_text());
  EXPECT_EQ(saved["auths"][registry_->host()]["auth"], "ZGF2ZTpsb2dpbi1wdy0wZDRl");  // dave:login-pw-0d4e

  auto image = make_image({"--format", "oci", "--out", dir("oci"), "--layers", "1",
                           "--layer-size", "64K", "--name", "e2e/login:v1"});
  auto pushed = layerpush({"push", "-q", "oci:" + dir("oci"), dest("e2e/login:v1")},
                          {"DOCKER_CONFIG=" + config_dir_});
  EXPECT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_EQ(pushed.out, image["manifest_digest"].get<std::string>() + "\n");

  auto out = run_command({built_program("layerpush").string(), "logout", registry_->host()},
                         std::nullopt, {"DOCKER_CONFIG=" + config_dir_});
  EXPECT_EQ(out.exit_code, 0) << out.err;
  EXPECT_NE(out.out.find("Removed login credentials for " + registry_->host()), std::string::npos);
  EXPECT_FALSE(nlohmann::json::parse(config_text())["auths"].contains(registry_->host()));
  auto anonymous = layerpush({"push", "oci:" + dir("oci"), dest("e2e/login:v1")},
                             {"DOCKER_CONFIG=" + config_dir_});
  EXPECT_EQ(anonymous.exit_code, 1);
}

}  // namespace
}  // namespace layerpush::testing
