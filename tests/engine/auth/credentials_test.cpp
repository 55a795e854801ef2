#include "engine/auth/credentials.h"

#include <gtest/gtest.h>

#include <fstream>

#include "engine/util/error.h"
#include "tests/support/process.h"

namespace layerpush::engine {
namespace {

class CredentialsTest : public ::testing::Test {
 protected:
  std::string write_config(const std::string& text) {
    const std::string path = (dir_.path() / "config.json").string();
    std::ofstream(path) << text;
    return path;
  }
  testing::TempDir dir_{"layerpush-credentials"};
};

TEST_F(CredentialsTest, DecodesAuthAndMatchesExactKeyThenHostName) {
  // "alice:s3cr:et" in base64: the password may itself hold a colon.
  const auto path = write_config(R"({"auths": {
      "registry.example.com": {"auth": "YWxpY2U6czNjcjpldA=="},
      "https://other.example.com:5000/v2/": {"username": "bob", "password": "pw"},
      "https://index.docker.io/v1/": {"auth": "aHViOmh1YnB3", "identitytoken": "tok"}}})");
  auto exact = load_credentials("registry.example.com", path);
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->username, "alice");
  EXPECT_EQ(exact->password, "s3cr:et");
  auto by_host = load_credentials("other.example.com:5000", path);
  ASSERT_TRUE(by_host);
  EXPECT_EQ(by_host->username, "bob");
  EXPECT_EQ(by_host->password, "pw");
  auto hub = load_credentials("docker.io", path);
  ASSERT_TRUE(hub);
  EXPECT_EQ(hub->username, "hub");
  EXPECT_EQ(hub->password, "hubpw");
  EXPECT_EQ(hub->identity_token, "tok");
  EXPECT_FALSE(load_credentials("unknown.example.com", path));
}

TEST_F(CredentialsTest, BasicTokenIsBase64OfUserColonPassword) {
  EXPECT_EQ(basic_token({"alice", "s3cr:et", ""}), "YWxpY2U6czNjcjpldA==");
  EXPECT_EQ(basic_token({"a", "b", ""}), "YTpi");
}

TEST_F(CredentialsTest, MissingDefaultFileMeansAnonymousButAMissingAuthfileIsAnError) {
  // DOCKER_CONFIG names a folder with no config.json: anonymous, not an error.
  const char* saved = std::getenv("DOCKER_CONFIG");
  const std::string previous = saved ? saved : "";
  ::setenv("DOCKER_CONFIG", dir_.path().c_str(), 1);
  const auto none = load_credentials("x.example.com", std::nullopt);
  write_config(R"({"auths": {"x.example.com": {"username": "u", "password": "p"}}})");
  const auto found = load_credentials("x.example.com", std::nullopt);
  if (saved) ::setenv("DOCKER_CONFIG", previous.c_str(), 1); else ::unsetenv("DOCKER_CONFIG");
  EXPECT_FALSE(none);
  ASSERT_TRUE(found) << "DOCKER_CONFIG/config.json is read";
  EXPECT_EQ(found->username, "u");
  try {
    load_credentials("x.example.com", (dir_.path() / "absent.json").string());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos);
  }
}

TEST_F(CredentialsTest, MalformedFilesAreRefusedWithoutShowingTheirContents) {
  const auto path = write_config(R"({"auths": {"r.example.com": {"auth": "bm9jb2xvbg=="}}})");
  try {
    load_credentials("r.example.com", path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_EQ(std::string(e.what()).find("nocolon"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  const auto broken = write_config("{not json");
  EXPECT_THROW(load_credentials("r.example.com", broken), Error);
}

}  // namespace
}  // namespace layerpush::engine

namespace layerpush::engine {
namespace {

// A fake docker-credential-NAME on PATH, answering like the real helpers do.
class CredentialHelperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = dir_.path() / "bin";
    std::filesystem::create_directories(bin_);
    write_helper("good", R"(read server; if [ "$server" = "helped.example.com" ]; then
  printf '{"ServerURL":"%s","Username":"carol","Secret":"helper-pw"}' "$server"
elif [ "$server" = "token.example.com" ]; then
  printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-me"}' "$server"
else echo "credentials not found in native keychain"; exit 1; fi)");
    write_helper("broken", "read server; echo 'secret-garbage-99'; exit 0");
    saved_path_ = std::getenv("PATH");
    ::setenv("PATH", (bin_.string() + ":" + saved_path_).c_str(), 1);
  }
  void TearDown() override { ::setenv("PATH", saved_path_.c_str(), 1); }
  void write_helper(const std::string& name, const std::string& body) {
    const auto path = bin_ / ("docker-credential-" + name);
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }
  std::string config(const std::string& text) {
    const auto path = (dir_.path() / "config.json").string();
    std::ofstream(path) << text;
    return path;
  }
  testing::TempDir dir_{"layerpush-helpers"};
  std::filesystem::path bin_;
  std::string saved_path_;
};

TEST_F(CredentialHelperTest, CredHelpersBeatCredsStoreWhichBeatsAuths) {
  const auto path = config(R"({"credHelpers": {"helped.example.com": "good"},
      "credsStore": "good", "auths": {"token.example.com": {"auth": "dTpw"}}})");
  auto helped = load_credentials("helped.example.com", path);
  ASSERT_TRUE(helped);
  EXPECT_EQ(helped->username, "carol");
  EXPECT_EQ(helped->password, "helper-pw");
  // credsStore answers for every other host, before any auths entry.
  auto token = load_credentials("token.example.com", path);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->identity_token, "refresh-me");
  EXPECT_TRUE(token->password.empty());
  // "credentials not found" means anonymous, not an error.
  EXPECT_FALSE(load_credentials("nobody.example.com", path));
}

TEST_F(CredentialHelperTest, BadHelpersFailWithoutShowingTheirOutput) {
  for (const std::string helper : {"broken", "missing"}) {
    const auto path = config(R"({"credsStore": ")" + helper + R"("})");
    try {
      load_credentials("x.example.com", path);
      FAIL() << helper;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kCredentialHelper);
      EXPECT_NE(std::string(e.what()).find("docker-credential-" + helper), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("x.example.com"), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find("secret-garbage"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace layerpush::engine
