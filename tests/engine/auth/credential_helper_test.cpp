// get/store/erase through docker-credential-NAME programs (shell-script stand-ins on PATH): what
// the helper is given, what its answers mean, and failures that name the helper and the server
// without ever quoting the helper's output.
#include "engine/auth/credential_helper.h"

#include <gtest/gtest.h>

#include <fstream>

#include "engine/util/error.h"
#include "tests/support/fake_credential_helper.h"
#include "tests/support/process.h"

namespace layerpush::engine {
namespace {

constexpr const char* kServer = "registry.example.com:5000";
constexpr const char* kSecret = "unit-S3cret-77f1";

class StoreEraseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_file_backed_helper(bin_, "unit", store_);
    testing::write_failing_helper(bin_, "unitfail");
    // One that exits at once without reading its input.
    const auto mute = bin_ / "docker-credential-unitmute";
    std::ofstream(mute) << "#!/bin/sh\nexit 3\n";
    std::filesystem::permissions(mute, std::filesystem::perms::owner_all);
    saved_path_ = std::getenv("PATH");
    ::setenv("PATH", (bin_.string() + ":" + saved_path_).c_str(), 1);
  }
  void TearDown() override { ::setenv("PATH", saved_path_.c_str(), 1); }
  std::string file_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  // The message of the engine::Error that `action` throws; fails the test if it throws none.
  template <class F>
  std::string failure_of(F action) {
    try {
      action();
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kCredentialHelper) << e.what();
      return e.what();
    }
    ADD_FAILURE() << "expected an engine::Error";
    return {};
  }
  testing::TempDir dir_{"layerpush-helper-unit"};
  std::filesystem::path bin_ = dir_.path() / "bin";
  std::filesystem::path store_ = dir_.path() / "store";
  std::string saved_path_;
};

TEST_F(StoreEraseTest, StoreSendsDockersJsonOnStandardInputAndGetReadsItBack) {
  store_in_helper("unit", kServer, {"frank", kSecret, ""});
  EXPECT_EQ(file_text(testing::helper_store_file(store_, kServer)),
            R"({"ServerURL":"registry.example.com:5000","Username":"frank","Secret":")" +
                std::string(kSecret) + "\"}");
  // The action is the only argument; the secret is in neither the arguments nor the environment.
  EXPECT_EQ(file_text(store_ / "argv.log"), "store\n");
  EXPECT_EQ(file_text(store_ / "env.log").find(kSecret), std::string::npos);
  const auto back = credentials_from_helper("unit", kServer);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->username, "frank");
  EXPECT_EQ(back->password, kSecret);
  EXPECT_TRUE(back->identity_token.empty());
}

TEST_F(StoreEraseTest, IdentityTokensTravelAsUserTokenBothWays) {
  store_in_helper("unit", kServer, {"", "", "refresh-abc"});
  EXPECT_NE(file_text(testing::helper_store_file(store_, kServer))
                .find(R"("Username":"<token>","Secret":"refresh-abc")"),
            std::string::npos);
  const auto back = credentials_from_helper("unit", kServer);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->identity_token, "refresh-abc");
  EXPECT_TRUE(back->username.empty());
  EXPECT_TRUE(back->password.empty());
}

TEST_F(StoreEraseTest, EraseSaysWhetherTheHelperHadAnything) {
  store_in_helper("unit", kServer, {"frank", kSecret, ""});
  EXPECT_TRUE(erase_from_helper("unit", kServer));
  EXPECT_FALSE(std::filesystem::exists(testing::helper_store_file(store_, kServer)));
  EXPECT_FALSE(credentials_from_helper("unit", kServer));
  EXPECT_FALSE(erase_from_helper("unit", kServer));
  EXPECT_EQ(file_text(store_ / "calls.log"), std::string("store ") + kServer + "\nerase " +
                                                 kServer + "\nget " + kServer + "\nerase " +
                                                 kServer + "\n");
}

TEST_F(StoreEraseTest, FailuresNameHelperAndServerButNeverQuoteTheHelper) {
  const std::string store = failure_of([] {
    store_in_helper("unitfail", kServer, {"f", kSecret, ""});
  });
  EXPECT_EQ(store, std::string("credential helper docker-credential-unitfail failed to store the "
                               "credentials for ") +
                       kServer + " (exit status 1)");
  const std::string erase = failure_of([] { erase_from_helper("unitfail", kServer); });
  EXPECT_NE(erase.find("failed to erase the credentials for " + std::string(kServer)),
            std::string::npos)
      << erase;
  const std::string missing = failure_of([] { erase_from_helper("unitabsent", kServer); });
  EXPECT_NE(missing.find("cannot run credential helper docker-credential-unitabsent for " +
                         std::string(kServer)),
            std::string::npos)
      << missing;
}

TEST_F(StoreEraseTest, AHelperThatEndsWithoutReadingItsInputIsAFailureNotASignal) {
  // 1 MiB cannot fit in a pipe: the write meets a closed pipe (EPIPE), which must not raise a
  // SIGPIPE that ends this test program.
  const std::string huge(1 << 20, 'x');
  const std::string message = failure_of([&] {
    store_in_helper("unitmute", kServer, {"f", huge, ""});
  });
  EXPECT_NE(message.find("docker-credential-unitmute failed to store"), std::string::npos)
      << message;
  EXPECT_NE(message.find("(exit status 3)"), std::string::npos) << message;
}

TEST(CredentialHelperFor, HostHelperThenCredsStoreThenNone) {
  const auto config = nlohmann::json::parse(R"({"credsStore": "desktop", "credHelpers": {
      "gcr.io": "gcloud", "https://index.docker.io/v1/": "hub"}})");
  EXPECT_EQ(credential_helper_for(config, "gcr.io"), "gcloud");
  EXPECT_EQ(credential_helper_for(config, "docker.io"), "hub");  // under docker's Hub key
  EXPECT_EQ(credential_helper_for(config, "quay.io"), "desktop");
  EXPECT_EQ(credential_helper_for(nlohmann::json::parse(R"({"auths": {}})"), "quay.io"), "");
  EXPECT_EQ(credential_helper_for(nlohmann::ordered_json::parse(R"({"credsStore": 7})"), "x.io"),
            "");
}

}  // namespace
}  // namespace layerpush::engine
