// Bad input is refused with exit status 2 and one sentence naming the rule and the value, before
// any traffic; a registry that is not there fails with exit 1 naming host and repository.
#include "tests/e2e/push_fixture.h"

namespace layerpush::testing {
namespace {

class CliErrorsTest : public PushTest {
 protected:
  void SetUp() override {
    PushTest::SetUp();
    make_image({"--format", "oci", "--out", dir("oci"), "--layers", "1", "--layer-size", "64K"});
  }
  void expect_refused(std::vector<std::string> args, const std::string& message) {
    auto r = layerpush(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one sentence: " << r.err;
    EXPECT_EQ(registry_->requests().size(), 0u) << "no traffic for bad input";
  }
};

TEST_F(CliErrorsTest, RefusesBadReferencesBeforeAnyTraffic) {
  const std::string oci = "oci:" + dir("oci");
  expect_refused({"push", oci, dest("app:" + std::string(129, 't'))},
                 "tag is 129 characters; the limit is 128");
  expect_refused({"push", oci, dest("App/x:1")}, "uppercase");
  expect_refused({"push", oci, dest("a:1")}, "it must be 2 to 255");
  expect_refused({"push", oci, dest(std::string(256, 'r') + ":1")},
                 "repository name is 256 characters; the limit is 255");
}

TEST_F(CliErrorsTest, RefusesBadFlagsAndSources) {
  const std::string oci = "oci:" + dir("oci");
  expect_refused({"push", "--jobs", "0", oci, dest("e2e/app:1")}, "--jobs is 0");
  expect_refused({"push", "--chunk-size", "lots", oci, dest("e2e/app:1")}, "--chunk-size \"lots\"");
  expect_refused({"push", "--io", "mmap", oci, dest("e2e/app:1")}, "--io is \"mmap\"");
  expect_refused({"push", dir("missing"), dest("e2e/app:1")}, "does not exist");
  expect_refused({"push", "oci:" + dir("oci") + ":nope", dest("e2e/app:1")}, "has no image named \"nope\"");
  expect_refused({"push", oci}, "DEST");
}

TEST_F(CliErrorsTest, UnreachableRegistryFailsWithExitOneNamingHostAndRepository) {
  const std::string host = registry_->host();
  registry_.reset();  // stop it: nothing listens on that port now
  auto r = layerpush({"push", "oci:" + dir("oci"), host + "/e2e/app:1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("push of " + host + "/e2e/app:1 failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("connecting to " + host), std::string::npos) << r.err;
}

}  // namespace
}  // namespace layerpush::testing
