// The password never shows: every mode of layerpush that handles it (login right and wrong, push
// with credentials from the config file, from a credential helper and from --password-stdin, with
// --json, -q and plain progress lines, and the errors when the registry or the token server is
// gone) runs against real registries, Basic auth over TLS and token auth, and neither the
// password nor base64(user:password) may appear in anything layerpush writes. What the
// registries and the token server log is theirs and not checked here.
//
// The argument list never holds a secret, by construction: layerpush reads a password only from
// standard input (--password-stdin), the terminal, the docker config file or a credential helper
// (which is given only its action as an argument and the secret on standard input). The one way
// a user might try, --password/-p, is refused before anything runs: PasswordArgumentTest below.
#include <fstream>

#include "tests/e2e/push_fixture.h"
#include "tests/support/fake_credential_helper.h"
#include "tests/support/token_server.h"

namespace layerpush::testing {
namespace {

constexpr const char* kUser = "sam";
constexpr const char* kSecret = "S3cr3t-Pa55-XYZ";
constexpr const char* kSecretBasic = "c2FtOlMzY3IzdC1QYTU1LVhZWg==";  // base64 of sam:kSecret
constexpr const char* kWrong = "Wr0ng-Pa55-QRS";
constexpr const char* kWrongBasic = "c2FtOldyMG5nLVBhNTUtUVJT";  // base64 of sam:kWrong

enum class Auth { kBasicOverTls, kToken };

class SecretsTest : public PushTest, public ::testing::WithParamInterface<Auth> {
 protected:
  void SetUp() override {
    if (GetParam() == Auth::kToken)
      tokens_ = std::make_unique<TokenServer>(temp_.path(), kUser, kSecret);
    PushTest::SetUp();
    make_image({"--format", "oci", "--out", dir("oci"), "--layers", "3", "--layer-size", "64K",
                "--name", "e2e/secret:v1"});
    // A copy: the registry's folder goes when a test stops the registry.
    if (GetParam() == Auth::kBasicOverTls)
      std::filesystem::copy_file(registry_->certificate_file(), ca_file_);
  }
  LocalRegistry::Options registry_options() const override {
    if (GetParam() == Auth::kToken)
      return {.token_realm = tokens_->realm(), .token_certificate = tokens_->certificate_file()};
    return {.tls = true, .basic_user = kUser, .basic_password = kSecret};
  }
  // The flags that reach this test's registry: HTTPS with its certificate trusted, for TLS.
  std::vector<std::string> with_connection(std::vector<std::string> args) const {
    if (GetParam() == Auth::kBasicOverTls)
      args.insert(args.begin() + 1, {"--plain-http=false", "--ca-file", ca_file_});
    args.insert(args.begin(), built_program("layerpush").string());
    return args;
  }
  CommandResult run(const std::vector<std::string>& args, const std::string& config_dir,
                    const std::optional<std::string>& input = std::nullopt) const {
    return run_command(with_connection(args), input,
                       {"DOCKER_CONFIG=" + config_dir, path_with_first(temp_.path() / "bin")});
  }
  CommandResult login(const std::string& password, const std::string& config_dir) const {
    return run({"login", registry_->host(), "-u", kUser, "--password-stdin"}, config_dir,
               password + "\n");
  }
  CommandResult push(const std::vector<std::string>& flags, const std::string& config_dir,
                     const std::optional<std::string>& input = std::nullopt) const {
    std::vector<std::string> args = {"push"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.insert(args.end(), {"oci:" + dir("oci"), dest("e2e/secret:v1")});
    return run(args, config_dir, input);
  }
  // A docker config folder holding `text` as config.json.
  std::string config_folder(const std::string& name, const std::string& text) const {
    const std::string folder = dir(name);
    std::filesystem::create_directories(folder);
    std::ofstream(folder + "/config.json") << text;
    return folder;
  }
  std::string auths_config(const std::string& basic) const {
    return R"({"auths": {")" + registry_->host() + R"(": {"auth": ")" + basic + R"("}}})";
  }
  // The run ended with `exit_code`, its stdout or stderr holds `expected`, and neither holds a
  // password or its base64 form.
  static void expect_run(const CommandResult& r, int exit_code, const std::string& expected,
                         const std::string& what) {
    EXPECT_EQ(r.exit_code, exit_code) << what << ": " << r.err;
    EXPECT_NE((r.out + r.err).find(expected), std::string::npos) << what << ": " << r.out << r.err;
    for (const std::string secret : {kSecret, kSecretBasic, kWrong, kWrongBasic}) {
      EXPECT_EQ(r.out.find(secret), std::string::npos) << what << " stdout: " << r.out;
      EXPECT_EQ(r.err.find(secret), std::string::npos) << what << " stderr: " << r.err;
    }
  }
  std::unique_ptr<TokenServer> tokens_;
  std::string ca_file_ = dir("registry-ca.pem");
};

TEST_P(SecretsTest, LoginRightAndWrong) {
  const std::string docker = dir("docker");
  const std::string failed = "login to " + registry_->host() + " failed";
  expect_run(login(kWrong, docker), 1, failed, "login with the wrong password");
  expect_run(login(kSecret, docker), 0, "Login Succeeded", "login");
  // The secret did pass through: docker's config file holds its base64 form now.
  EXPECT_NE(nlohmann::json::parse(std::ifstream(docker + "/config.json")).dump().find(kSecretBasic),
            std::string::npos);
}

TEST_P(SecretsTest, PushInEveryOutputModeAndWithEverySourceOfCredentials) {
  const std::string pushed = "digest: sha256:";
  const std::string saved = config_folder("saved", auths_config(kSecretBasic));
  expect_run(push({"--json"}, saved), 0, "\"manifest_digest\"", "push --json");
  expect_run(push({}, saved), 0, pushed, "push with progress lines");  // stderr is not a tty
  expect_run(push({"-q"}, saved), 0, "sha256:", "push -q");

  const std::string empty = config_folder("empty", "{}");
  const std::vector<std::string> from_stdin = {"--username", kUser, "--password-stdin"};
  expect_run(push(from_stdin, empty, std::string(kSecret) + "\n"), 0, pushed,
             "push --password-stdin");
  const std::string refused = "authentication to " + registry_->host() + " failed";
  expect_run(push(from_stdin, empty, std::string(kWrong) + "\n"), 1, refused,
             "push --password-stdin with the wrong password");
  const std::string wrong = config_folder("wrong", auths_config(kWrongBasic));
  expect_run(push({}, wrong), 1, refused, "push with wrong saved credentials");
}

TEST_P(SecretsTest, CredentialHelpersAndCarelessOnes) {
  write_file_backed_helper(temp_.path() / "bin", "lpsecret", temp_.path() / "store");
  write_failing_helper(temp_.path() / "bin", "lpleaky");  // echoes the secret, then fails
  const std::string helped = config_folder("helped", R"({"credsStore": "lpsecret"})");
  expect_run(login(kSecret, helped), 0, "Login Succeeded", "login through a helper");
  expect_run(push({}, helped), 0, "digest: sha256:", "push with a helper's credentials");
  const std::string leaky = config_folder("leaky", R"({"credsStore": "lpleaky"})");
  expect_run(login(kSecret, leaky), 1, "docker-credential-lpleaky failed to store",
             "login through a failing helper");
}

TEST_P(SecretsTest, ErrorsWhenTheServersAreGone) {
  const std::string saved = config_folder("saved", auths_config(kSecretBasic));
  const std::string host = registry_->host();
  if (GetParam() == Auth::kToken) {
    tokens_.reset();  // the registry still sends its challenge; the realm no longer answers
    expect_run(push({}, saved), 1, "push of " + dest("e2e/secret:v1") + " failed",
               "push without a token server");
  }
  registry_.reset();  // nothing listens on its port now
  expect_run(run({"push", "oci:" + dir("oci"), host + "/e2e/secret:v1"}, saved), 1,
             "connecting to " + host, "push to a registry that is down");
  expect_run(
      run({"login", host, "-u", kUser, "--password-stdin"}, saved, std::string(kSecret) + "\n"), 1,
      "login to " + host + " failed", "login to a registry that is down");
}

INSTANTIATE_TEST_SUITE_P(Registries, SecretsTest,
                         ::testing::Values(Auth::kBasicOverTls, Auth::kToken),
                         [](const auto& info) {
                           return info.param == Auth::kToken ? "Token" : "BasicOverTls";
                         });

// A password given as an argument is refused with exit 2 before anything runs, pointing to
// --password-stdin and without repeating the value.
TEST(PasswordArgumentTest, IsRefusedWithoutBeingRepeated) {
  const std::string layerpush = built_program("layerpush").string();
  const std::vector<std::vector<std::string>> attempts = {
      {"login", "--password", kSecret, "-u", kUser, "127.0.0.1:9"},
      {"login", "-p", kSecret, "-u", kUser, "127.0.0.1:9"},
      {"login", "--password=" + std::string(kSecret), "127.0.0.1:9"},
      {"login", "127.0.0.1:9", "-p" + std::string(kSecret)},
      {"push", "--username", kUser, "--password", kSecret, "oci:/nonexistent", "127.0.0.1:9/a/b:1"},
  };
  for (auto args : attempts) {
    args.insert(args.begin(), layerpush);
    auto r = run_command(args);
    EXPECT_EQ(r.exit_code, 2) << args[1] << " " << args[2] << ": " << r.err;
    EXPECT_NE(r.err.find("--password: a password on the command line shows in the process list; "
                         "pass it on standard input with --password-stdin"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one sentence: " << r.err;
    EXPECT_EQ(r.err.find(kSecret), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace layerpush::testing
