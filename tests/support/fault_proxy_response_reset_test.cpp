// The fault proxy's reset_response_after_bytes (a download cut off mid-body) and the request
// log's range and response_bytes fields, which tests of resumed downloads read: the rule's
// parsing and decision, then curl through the proxy in front of a real docker-registry.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/curl.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/process.h"
#include "tests/support/registry.h"
#include "tools/faultproxy/decision.h"

namespace layerpush::testing {
namespace {

using nlohmann::json;

TEST(FaultProxyResponseResetTest, ParsesTheRuleAndPlansTheCut) {
  auto rules = faultproxy::parse_rules(
      json::parse(R"([{"method": "GET", "times": 1, "reset_response_after_bytes": 4096}])"));
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(std::get<faultproxy::ResetResponseAfterBytes>(rules[0].action).bytes, 4096u);
  EXPECT_EQ(faultproxy::action_name(rules[0].action), "reset_response");
  faultproxy::RuleBook book(std::move(rules));
  faultproxy::LogEntry entry;
  entry.method = "GET";
  auto choice = book.choose({"GET", "/v2/r/blobs/sha256:ab", 0});
  ASSERT_TRUE(choice.has_value());
  const auto decision = faultproxy::decide(*choice, book, {}, entry);
  EXPECT_FALSE(decision.reply.has_value());  // forwarded: the cut happens on the way back
  EXPECT_EQ(decision.plan.reset_response_after, 4096u);
  EXPECT_FALSE(decision.plan.reset_after.has_value());
  EXPECT_EQ(entry.action, "forward");  // only once the cut happened does the log say so
  // The wrong type is refused at start-up, naming the rule.
  EXPECT_THROW(faultproxy::parse_rules(json::parse(R"([{"reset_response_after_bytes": "1k"}])")),
               std::invalid_argument);
}

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(FaultProxyResponseResetTest, CutsADownloadMidBodyAndLogsTheRangeOfTheNext) {
  TempDir dir;
  auto registry = LocalRegistry::start();
  const Blob blob = random_blob(dir.path() / "blob", 1 << 20);
  // Straight to the registry: the proxy's rule is for GETs.
  const std::string uploads = "http://" + registry->host() + "/v2/test/cut/blobs/uploads/";
  auto post = curl({"-X", "POST", uploads});
  ASSERT_EQ(post.status, 202) << post.err;
  std::string location = post.header("location");
  if (location.starts_with("/")) location = "http://" + registry->host() + location;
  auto put = curl({"-X", "PUT", "-H", "Content-Type: application/octet-stream", "--data-binary",
                   "@" + blob.file.string(), location + "&digest=" + blob.digest});
  ASSERT_EQ(put.status, 201) << put.err << put.body;

  auto proxy = FaultProxy::start(
      registry->host(),
      json::parse(R"([{"method": "GET", "times": 1, "reset_response_after_bytes": 100000}])"));
  const std::string url = "http://" + proxy->host() + "/v2/test/cut/blobs/" + blob.digest;
  auto cut = curl({url});
  // 18: partial file, 56: receive failure (reset); either way not the whole blob.
  EXPECT_TRUE(cut.exit_code == 18 || cut.exit_code == 56) << cut.exit_code << cut.err;
  EXPECT_EQ(cut.status, 200);
  EXPECT_LE(cut.body.size(), 100000u);
  auto rest = curl({"-H", "Range: bytes=100000-", url});
  EXPECT_EQ(rest.status, 206) << rest.err;
  EXPECT_EQ(rest.header("content-range"),
            "bytes 100000-" + std::to_string(blob.size - 1) + "/" + std::to_string(blob.size));
  EXPECT_TRUE(rest.body == file_text(blob.file).substr(100000)) << "the rest came back different";

  auto log = proxy->requests(2);
  ASSERT_EQ(log.size(), 2u) << proxy->log_text();
  EXPECT_EQ(log[0].action, "reset_response");
  EXPECT_EQ(log[0].rule, 0);
  EXPECT_EQ(log[0].status, 200);  // the header went out before the cut
  EXPECT_EQ(log[0].response_bytes, 100000u);
  EXPECT_FALSE(log[0].range.has_value());
  EXPECT_EQ(log[1].action, "forward");
  EXPECT_EQ(log[1].range, "bytes=100000-");
  EXPECT_EQ(log[1].response_bytes, blob.size - 100000);
}

}  // namespace
}  // namespace layerpush::testing
