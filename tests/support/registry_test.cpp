#include "tests/support/registry.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "tests/support/loopback.h"
#include "tests/support/process.h"

namespace layerpush::testing {
namespace {

std::string curl_status(const std::string& url) {
  auto r = run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

// The Location header of a fresh upload session.
std::string start_upload(const LocalRegistry& registry) {
  auto r = run_command({"curl", "-s", "-i", "-X", "POST",
                        "http://" + registry.host() + "/v2/test/repo/blobs/uploads/"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto at = r.out.find("Location: ");
  if (at == std::string::npos) return "";
  return r.out.substr(at + 10, r.out.find('\r', at) - at - 10);
}

TEST(LocalRegistryTest, StartsAndAnswersV2AndLogsOnlyLaterRequests) {
  auto registry = LocalRegistry::start();
  EXPECT_EQ(registry->host(), "127.0.0.1:" + std::to_string(registry->port()));
  EXPECT_TRUE(std::filesystem::exists(registry->root() / "config.yml"));
  EXPECT_EQ(curl_status("http://" + registry->host() + "/v2/"), "200");
  // The readiness probes are not part of requests().
  auto requests = registry->requests();
  ASSERT_EQ(requests.size(), 1u) << registry->log_text();
  EXPECT_EQ(requests[0].method, "GET");
  EXPECT_EQ(requests[0].uri, "/v2/");
  EXPECT_EQ(requests[0].status, 200);
  EXPECT_EQ(curl_status("http://" + registry->host() + "/v2/missing/manifests/x"), "404");
  EXPECT_EQ(registry->count_requests("GET", "/manifests/"), 1);

  registry->forget_requests();
  EXPECT_TRUE(registry->requests().empty());
  EXPECT_EQ(curl_status("http://" + registry->host() + "/v2/"), "200");
  EXPECT_EQ(registry->count_requests("GET", "/v2/"), 1);
}

TEST(LocalRegistryTest, TwoAtOnceGetDifferentPortsAndFolders) {
  auto a = LocalRegistry::start();
  auto b = LocalRegistry::start();
  EXPECT_NE(a->port(), b->port());
  EXPECT_NE(a->root(), b->root());
  EXPECT_EQ(curl_status("http://" + a->host() + "/v2/"), "200");
  EXPECT_EQ(curl_status("http://" + b->host() + "/v2/"), "200");
  EXPECT_EQ(a->count_requests("GET", "/v2/"), 1);
  EXPECT_EQ(b->count_requests("GET", "/v2/"), 1);
}

TEST(LocalRegistryTest, LocationIsAbsoluteByDefaultAndRelativeOnRequest) {
  auto absolute = LocalRegistry::start();
  EXPECT_EQ(start_upload(*absolute).rfind("http://" + absolute->host() + "/v2/test/repo/", 0), 0u)
      << start_upload(*absolute);
  auto relative = LocalRegistry::start({.relative_urls = true});
  EXPECT_EQ(start_upload(*relative).rfind("/v2/test/repo/blobs/uploads/", 0), 0u);
}

TEST(LocalRegistryTest, CountsOpenUploadSessions) {
  auto registry = LocalRegistry::start();
  EXPECT_EQ(registry->max_open_uploads(), 0);
  start_upload(*registry);
  start_upload(*registry);
  EXPECT_EQ(registry->count_requests("POST", "/blobs/uploads/"), 2);
  EXPECT_EQ(registry->max_open_uploads(), 2);
}

TEST(LocalRegistryTest, IgnoresRegistryVariablesOfTheCaller) {
  // Would move the registry to a port nobody probes if it reached the child.
  ::setenv("REGISTRY_HTTP_ADDR", "127.0.0.1:1", 1);
  std::unique_ptr<LocalRegistry> registry;
  EXPECT_NO_THROW(registry = LocalRegistry::start());
  ::unsetenv("REGISTRY_HTTP_ADDR");
  ASSERT_TRUE(registry);
  EXPECT_EQ(curl_status("http://" + registry->host() + "/v2/"), "200");
}

TEST(LocalRegistryTest, DestructionStopsItAndRemovesItsFolder) {
  auto registry = LocalRegistry::start();
  std::uint16_t port = registry->port();
  std::filesystem::path root = registry->root();
  ASSERT_EQ(http_get_status(port, "/v2/"), 200);
  registry.reset();
  EXPECT_EQ(http_get_status(port, "/v2/"), -1);
  EXPECT_FALSE(std::filesystem::exists(root));
}

}  // namespace
}  // namespace layerpush::testing
