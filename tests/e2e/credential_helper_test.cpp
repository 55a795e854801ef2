// `layerpush login` / `logout` with docker credential helpers, against an htpasswd registry: the
// secret goes to `docker-credential-NAME store` (credHelpers[host] before credsStore) and the
// config file keeps only an empty `auths` entry; push reads it back with `get`; logout runs
// `erase`; a helper that fails stops the command with exit 1 and a sentence naming it.
#include <sys/stat.h>

#include <fstream>

#include "tests/e2e/push_fixture.h"
#include "tests/support/fake_credential_helper.h"

namespace layerpush::testing {
namespace {

constexpr const char* kUser = "erin";
constexpr const char* kPassword = "helper-login-pw-4b2c";
constexpr const char* kBasic = "ZXJpbjpoZWxwZXItbG9naW4tcHctNGIyYw==";  // base64 erin:kPassword

class HelperLoginTest : public PushTest {
 protected:
  LocalRegistry::Options registry_options() const override {
    return {.basic_user = kUser, .basic_password = kPassword};
  }
  void SetUp() override {
    PushTest::SetUp();
    write_file_backed_helper(bin_, "lptest", store_);
    write_file_backed_helper(bin_, "lpother", other_store_);
    write_failing_helper(bin_, "lpfail");
    std::filesystem::create_directories(config_dir_);
    image_ = make_image({"--format", "oci", "--out", dir("oci"), "--layers", "2", "--layer-size",
                         "64K", "--name", "e2e/helper:v1"});
  }
  void write_config(const std::string& text) { std::ofstream(config_path()) << text; }
  std::string config_path() const { return config_dir_ + "/config.json"; }
  std::string config_text() const { return text_of(config_path()); }
  static std::string text_of(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  std::vector<std::string> env() const {
    return {"DOCKER_CONFIG=" + config_dir_, path_with_first(bin_)};
  }
  CommandResult login() const {
    return run_command({built_program("layerpush").string(), "login", registry_->host(), "-u",
                        kUser, "--password-stdin"},
                       std::string(kPassword) + "\n", env());
  }
  CommandResult logout() const {
    return run_command({built_program("layerpush").string(), "logout", registry_->host()},
                       std::nullopt, env());
  }
  CommandResult push() const {
    return layerpush({"push", "-q", "oci:" + dir("oci"), dest("e2e/helper:v1")}, env());
  }
  // What the registry serves for the pushed tag, read by skopeo with its own credentials.
  void expect_pushed() const {
    auto inspect =
        skopeo({"inspect", "--tls-verify=false", "--creds", std::string(kUser) + ":" + kPassword,
                "--format", "{{.Digest}}", "docker://" + dest("e2e/helper:v1")});
    ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
    EXPECT_EQ(inspect.out, image_["manifest_digest"].get<std::string>() + "\n");
  }
  static void expect_no_secret(const CommandResult& r) {
    for (const std::string secret : {kPassword, kBasic}) {
      EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
      EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
    }
  }

  std::string config_dir_ = dir("docker");
  std::filesystem::path bin_ = temp_.path() / "bin";
  std::filesystem::path store_ = temp_.path() / "lptest-store";
  std::filesystem::path other_store_ = temp_.path() / "lpother-store";
  nlohmann::json image_;
};

TEST_F(HelperLoginTest, CredsStoreKeepsTheSecretAndTheConfigFileOnlyAnEmptyEntry) {
  write_config(R"({"credsStore": "lptest", "HttpHeaders": {"X-Kept": "yes"},
                   "auths": {"other.example.com": {"auth": "b3RoZXI6cHc="}}})");
  auto r = login();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Login Succeeded"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("docker-credential-lptest"), std::string::npos) << r.out;
  expect_no_secret(r);

  const auto stored = nlohmann::json::parse(text_of(helper_store_file(store_, registry_->host())));
  EXPECT_EQ(stored,
            nlohmann::json(
                {{"ServerURL", registry_->host()}, {"Username", kUser}, {"Secret", kPassword}}));
  EXPECT_EQ(text_of(store_ / "argv.log"), "store\n");
  EXPECT_EQ(text_of(store_ / "env.log").find(kPassword), std::string::npos);

  const std::string text = config_text();
  EXPECT_EQ(text.find(kPassword), std::string::npos) << text;
  EXPECT_EQ(text.find(kBasic), std::string::npos) << text;
  const auto config = nlohmann::json::parse(text);
  EXPECT_EQ(config["auths"][registry_->host()], nlohmann::json::object());
  EXPECT_EQ(config["auths"]["other.example.com"]["auth"], "b3RoZXI6cHc=");
  EXPECT_EQ(config["credsStore"], "lptest");
  EXPECT_EQ(config["HttpHeaders"]["X-Kept"], "yes");
  EXPECT_EQ(config.size(), 3u);
  struct stat st {};
  ASSERT_EQ(::stat(config_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  auto pushed = push();
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_EQ(pushed.out, image_["manifest_digest"].get<std::string>() + "\n");
  expect_no_secret(pushed);
  expect_pushed();
  EXPECT_NE(text_of(store_ / "calls.log").find("get " + registry_->host()), std::string::npos);
}

TEST_F(HelperLoginTest, LogoutErasesThroughTheHelperAndPushThenNeedsALogin) {
  write_config(R"({"credsStore": "lptest"})");
  ASSERT_EQ(login().exit_code, 0);
  auto out = logout();
  EXPECT_EQ(out.exit_code, 0) << out.err;
  EXPECT_EQ(out.out, "Removed login credentials for " + registry_->host() + "\n");
  EXPECT_FALSE(std::filesystem::exists(helper_store_file(store_, registry_->host())));
  EXPECT_NE(text_of(store_ / "calls.log").find("erase " + registry_->host()), std::string::npos);
  const auto config = nlohmann::json::parse(config_text());
  EXPECT_FALSE(config["auths"].contains(registry_->host())) << config.dump();
  EXPECT_EQ(config["credsStore"], "lptest");

  auto anonymous = push();
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_NE(anonymous.err.find(registry_->host() + " requires authentication"), std::string::npos)
      << anonymous.err;
  // Nothing left anywhere: as docker, exit 0.
  auto again = logout();
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "Not logged in to " + registry_->host() + "\n");
}

TEST_F(HelperLoginTest, CredHelpersForTheHostWinOverCredsStore) {
  write_config(R"({"credsStore": "lpother", "credHelpers": {")" + registry_->host() +
               R"(": "lptest", "elsewhere.example.com": "lpother"}})");
  auto r = login();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(helper_store_file(store_, registry_->host())));
  auto pushed = push();
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  expect_pushed();
  EXPECT_EQ(logout().exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(helper_store_file(store_, registry_->host())));
  EXPECT_EQ(text_of(store_ / "calls.log"), "store " + registry_->host() + "\nget " +
                                               registry_->host() + "\nerase " + registry_->host() +
                                               "\n");
  // The default store was never asked.
  EXPECT_FALSE(std::filesystem::exists(other_store_ / "calls.log"));
}

TEST_F(HelperLoginTest, AFailingHelperStopsEachCommandWithASentenceNamingItAndTheHost) {
  const std::string original = R"({"credsStore": "lpfail"})";
  write_config(original);
  const std::string helper = "credential helper docker-credential-lpfail failed to ";
  const std::string host = registry_->host();
  auto login_result = login();
  EXPECT_EQ(login_result.exit_code, 1);
  EXPECT_NE(login_result.err.find(helper + "store the credentials for " + host), std::string::npos)
      << login_result.err;
  expect_no_secret(login_result);  // the helper printed the secret; we must not pass it on
  EXPECT_EQ(config_text(), original) << "a failed store leaves the file as it was";

  auto logout_result = logout();
  EXPECT_EQ(logout_result.exit_code, 1);
  EXPECT_NE(logout_result.err.find(helper + "erase the credentials for " + host), std::string::npos)
      << logout_result.err;
  auto push_result = push();
  EXPECT_EQ(push_result.exit_code, 1);
  EXPECT_NE(push_result.err.find(helper + "get the credentials for " + host), std::string::npos)
      << push_result.err;
  EXPECT_EQ(registry_->count_requests("POST", "/blobs/uploads/"), 0);

  write_config(R"({"credsStore": "lpabsent"})");
  auto missing = login();
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cannot run credential helper docker-credential-lpabsent for " + host),
            std::string::npos)
      << missing.err;
}

}  // namespace
}  // namespace layerpush::testing
