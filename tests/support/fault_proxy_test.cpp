// layerpush-faultproxy in front of a real docker-registry, driven by curl: plain forwarding
// (streamed bodies, keep-alive, Location kept on the proxy), respond, reset_after_bytes,
// stall_ms, --latency-ms (pipelined requests sharing it), many connections at once, and a log
// that never holds a credential.
// Redirects and registry quirks are in fault_proxy_quirks_test.cpp.
#include "tests/support/fault_proxy.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <fstream>
#include <sstream>

#include "tests/support/curl.h"
#include "tests/support/process.h"
#include "tests/support/registry.h"

namespace layerpush::testing {
namespace {

using nlohmann::json;
// Without it curl sends a form type, and the registry then reads the body as a form.
const std::string kOctetStream = "Content-Type: application/octet-stream";

std::string start_upload(const FaultProxy& proxy, const std::string& repo) {
  auto r = curl({"-X", "POST", "http://" + proxy.host() + "/v2/" + repo + "/blobs/uploads/"});
  EXPECT_EQ(r.status, 202) << r.err;
  return r.header("location");
}

CurlReply put_blob(const std::string& location, const Blob& blob) {
  return curl({"-X", "PUT", "-H", kOctetStream, "--data-binary", "@" + blob.file.string(),
               location + "&digest=" + blob.digest});
}

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(FaultProxyTest, ForwardsAMonolithicUploadAndReadsItBack) {
  TempDir dir;
  auto registry = LocalRegistry::start();
  auto proxy = FaultProxy::start(registry->host(), json::array());
  auto ping = curl({"http://" + proxy->host() + "/v2/"});
  EXPECT_EQ(ping.status, 200) << ping.err;
  EXPECT_EQ(ping.body, "{}");

  // Location must lead back through the proxy, or the client would leave it.
  const std::string location = start_upload(*proxy, "test/fp");
  EXPECT_TRUE(location.starts_with("http://" + proxy->host() + "/v2/test/fp/blobs/uploads/"))
      << location;
  // 3 MiB: curl sends "Expect: 100-continue", which the proxy answers itself.
  const Blob blob = random_blob(dir.path() / "blob", 3 << 20);
  auto put = put_blob(location, blob);
  EXPECT_EQ(put.status, 201) << put.err << put.body;
  EXPECT_EQ(put.header("docker-content-digest"), blob.digest);

  const std::string blob_url = "http://" + proxy->host() + "/v2/test/fp/blobs/" + blob.digest;
  auto get = curl({blob_url});
  EXPECT_EQ(get.status, 200);
  EXPECT_TRUE(get.body == file_text(blob.file)) << "blob came back different";
  auto head = curl({"-I", blob_url});
  EXPECT_EQ(head.status, 200) << head.err;
  EXPECT_EQ(head.header("content-length"), std::to_string(blob.size));
  // No body after a HEAD response: a body there would be read as the next response's start.
  auto head_then_get = run_command(
      {"curl", "-sS", "-I", "-o", "/dev/null", "-w", "%{http_code} %{num_connects}\n", blob_url,
       "--next", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{num_connects} %{size_download}\n",
       "http://" + proxy->host() + "/v2/"});
  EXPECT_EQ(head_then_get.out, "200 1\n200 0 2\n") << head_then_get.err;

  auto log = proxy->requests(7);
  ASSERT_EQ(log.size(), 7u) << proxy->log_text();
  const char* methods[] = {"GET", "POST", "PUT", "GET", "HEAD", "HEAD", "GET"};
  const int statuses[] = {200, 202, 201, 200, 200, 200, 200};
  for (std::size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].method, methods[i]);
    EXPECT_EQ(log[i].status, statuses[i]);
    EXPECT_EQ(log[i].action, "forward");
    EXPECT_FALSE(log[i].rule.has_value());
    EXPECT_EQ(log[i].listener, 0);
  }
  EXPECT_EQ(log[2].content_length, blob.size);
  EXPECT_EQ(log[2].body_bytes, blob.size);
  EXPECT_EQ(proxy->count("PUT", "digest=" + blob.digest), 1);
  EXPECT_EQ(registry->count_requests("PUT", "/v2/test/fp/blobs/uploads/"), 1);
}

TEST(FaultProxyTest, ForwardsAChunkedPatchBody) {
  TempDir dir;
  auto registry = LocalRegistry::start();
  auto proxy = FaultProxy::start(registry->host(), json::array());
  const Blob blob = random_blob(dir.path() / "blob", 300 << 10);
  const std::string location = start_upload(*proxy, "test/chunked");
  auto patch = curl({"-X", "PATCH", "-H", kOctetStream, "-H", "Transfer-Encoding: chunked",
                     "--data-binary", "@" + blob.file.string(), location});
  EXPECT_EQ(patch.status, 202) << patch.err << patch.body;
  // The digest check of the final PUT proves every byte arrived, in order.
  auto put = curl({"-X", "PUT", patch.header("location") + "&digest=" + blob.digest});
  EXPECT_EQ(put.status, 201) << put.body;
  auto log = proxy->requests(3);
  ASSERT_EQ(log.size(), 3u) << proxy->log_text();
  EXPECT_EQ(log[1].method, "PATCH");
  EXPECT_FALSE(log[1].content_length.has_value());
  EXPECT_EQ(log[1].body_bytes, blob.size);
}

// docker-registry answers 401 before reading a body, then (Go's server, for an unread body over
// 256 KiB) closes: the client must get that 401, not a proxy error.
TEST(FaultProxyTest, PassesOnAnAnswerTheRegistryGaveBeforeTakingTheBody) {
  TempDir dir;
  auto registry = LocalRegistry::start({.basic_user = "user", .basic_password = "secret"});
  auto proxy = FaultProxy::start(registry->host(), json::array());
  const Blob blob = random_blob(dir.path() / "blob", 8 << 20);
  const std::string url =
      "http://" + proxy->host() + "/v2/test/auth/blobs/uploads/u?digest=" + blob.digest;
  for (const std::string expect : {"Expect: 100-continue", "Expect:"}) {
    auto r = curl({"-X", "PUT", "-H", kOctetStream, "-H", expect, "--data-binary",
                   "@" + blob.file.string(), url});
    EXPECT_EQ(r.status, 401) << expect << ": " << r.err;
    EXPECT_NE(r.header("www-authenticate").find("Basic"), std::string::npos);
  }
  EXPECT_EQ(curl({"-u", "user:secret", "http://" + proxy->host() + "/v2/"}).status, 200);
  auto log = proxy->requests(3);
  ASSERT_EQ(log.size(), 3u) << proxy->log_text();
  EXPECT_EQ(log[0].status, 401);
  EXPECT_EQ(log[0].action, "forward");
  EXPECT_LT(log[0].body_bytes, blob.size);
}

TEST(FaultProxyTest, RespondAnswersWithoutTheRegistryUntilItsTimesAreUsed) {
  TempDir dir;
  auto registry = LocalRegistry::start();
  auto proxy = FaultProxy::start(registry->host(), json::parse(R"([
    {"method": "GET", "path": "^/v2/$", "times": 2,
     "respond": {"status": 429, "headers": {"Retry-After": "1"},
                 "body": "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\"}]}"}},
    {"method": "PATCH", "times": 1, "respond": {"status": 500}}])"));
  const std::string ping = "http://" + proxy->host() + "/v2/";
  for (int i = 0; i < 2; ++i) {
    auto r = curl({ping});
    EXPECT_EQ(r.status, 429) << r.err;
    EXPECT_EQ(r.header("retry-after"), "1");
    EXPECT_EQ(r.body, R"({"errors":[{"code":"TOOMANYREQUESTS"}]})");
  }
  EXPECT_EQ(curl({ping}).status, 200);
  EXPECT_EQ(registry->count_requests("GET", "/v2/"), 1);  // only the third got through

  // A refused request's body is read and dropped, so the connection serves the next request:
  // curl's second transfer reuses it (num_connects 0).
  const Blob blob = random_blob(dir.path() / "blob", 100 << 10);
  auto both = run_command({"curl",
                           "-sS",
                           "-o",
                           "/dev/null",
                           "-w",
                           "%{http_code} %{num_connects}\n",
                           "-X",
                           "PATCH",
                           "-H",
                           kOctetStream,
                           "--data-binary",
                           "@" + blob.file.string(),
                           ping + "test/x/blobs/uploads/u",
                           "--next",
                           "-sS",
                           "-o",
                           "/dev/null",
                           "-w",
                           "%{http_code} %{num_connects}\n",
                           ping});
  EXPECT_EQ(both.exit_code, 0) << both.err;
  EXPECT_EQ(both.out, "500 1\n200 0\n");

  auto log = proxy->requests(5);
  ASSERT_EQ(log.size(), 5u) << proxy->log_text();
  EXPECT_EQ(log[0].action, "respond");
  EXPECT_EQ(log[0].rule, 0);
  EXPECT_EQ(log[1].action, "respond");
  EXPECT_EQ(log[2].action, "forward");
  EXPECT_FALSE(log[2].rule.has_value());
  EXPECT_EQ(log[3].action, "respond");
  EXPECT_EQ(log[3].rule, 1);
  EXPECT_EQ(log[3].status, 500);
  EXPECT_EQ(log[3].body_bytes, blob.size);
  EXPECT_EQ(registry->count_requests("PATCH", "/v2/"), 0);
}

// With a latency the reset reaches the client through the delay line, as the close would.
class FaultProxyResetTest : public ::testing::TestWithParam<int> {};

TEST_P(FaultProxyResetTest, ResetAfterBytesBreaksTheConnectionMidBody) {
  TempDir dir;
  auto registry = LocalRegistry::start();
  auto proxy = FaultProxy::start(
      registry->host(),
      json::parse(R"([{"method": "PUT", "times": 1, "reset_after_bytes": 65536}])"),
      {.latency_ms = GetParam()});
  const Blob blob = random_blob(dir.path() / "blob", 2 << 20);
  auto broken = put_blob(start_upload(*proxy, "test/reset"), blob);
  // 55: send failure, 56: receive failure; both "Connection reset by peer".
  EXPECT_TRUE(broken.exit_code == 55 || broken.exit_code == 56) << broken.exit_code << broken.err;
  EXPECT_EQ(broken.status, 0);

  // The rule is used up: a new session goes through.
  auto put = put_blob(start_upload(*proxy, "test/reset"), blob);
  EXPECT_EQ(put.status, 201) << put.err << put.body;

  auto log = proxy->requests(4);
  ASSERT_EQ(log.size(), 4u) << proxy->log_text();
  EXPECT_EQ(log[1].method, "PUT");
  EXPECT_EQ(log[1].action, "reset");
  EXPECT_EQ(log[1].rule, 0);
  EXPECT_FALSE(log[1].status.has_value());
  EXPECT_EQ(log[1].body_bytes, 65536u);
  EXPECT_EQ(log[3].status, 201);
  int completed = 0;
  for (const auto& r : registry->requests())
    if (r.method == "PUT" && r.status == 201) ++completed;
  EXPECT_EQ(completed, 1) << registry->log_text();
}

INSTANTIATE_TEST_SUITE_P(LatencyMs, FaultProxyResetTest, ::testing::Values(0, 100));

TEST(FaultProxyTest, StallAndLatencyDelayRequests) {
  auto registry = LocalRegistry::start();
  const json rules = json::parse(R"([{"path": "^/v2/$", "times": 1, "stall_ms": 800},
                                     {"path": "nothing", "respond": {"status": 404}}])");
  auto proxy = FaultProxy::start(registry->host(), rules, {.latency_ms = 300});
  auto stalled = curl({"http://" + proxy->host() + "/v2/"});
  EXPECT_EQ(stalled.status, 200) << stalled.err;
  EXPECT_GE(stalled.seconds, 1.1);  // latency and stall
  // Latency applies to every request, also those the proxy answers itself.
  auto answered = curl({"http://" + proxy->host() + "/v2/nothing"});
  EXPECT_EQ(answered.status, 404);
  EXPECT_GE(answered.seconds, 0.3);
  auto log = proxy->requests(2);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].action, "stall");
  EXPECT_EQ(log[0].status, 200);
  EXPECT_EQ(log[1].action, "respond");
}

TEST(FaultProxyTest, PipelinedRequestsShareOneLatencyAsOnANetwork) {
  auto registry = LocalRegistry::start();
  auto proxy = FaultProxy::start(registry->host(), json::array(), {.latency_ms = 300});
  // Four requests in one write, the last asking the proxy to close after answering.
  std::string requests;
  for (int i = 0; i < 4; ++i)
    requests += "GET /v2/ HTTP/1.1\r\nHost: x\r\n" +
                std::string(i == 3 ? "Connection: close\r\n" : "") + "\r\n";
  const auto host = proxy->host();
  const auto port = static_cast<std::uint16_t>(std::stoi(host.substr(host.rfind(':') + 1)));
  boost::asio::io_context context;
  boost::asio::ip::tcp::socket socket(context);
  const auto start = std::chrono::steady_clock::now();
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(socket, boost::asio::buffer(requests));
  std::string replies;
  boost::system::error_code ec;
  boost::asio::read(socket, boost::asio::dynamic_buffer(replies), ec);  // until the proxy closes
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int answers = 0;
  for (auto at = replies.find("HTTP/1.1 200"); at != std::string::npos;
       at = replies.find("HTTP/1.1 200", at + 1))
    ++answers;
  EXPECT_EQ(answers, 4) << replies;
  // They arrived together, so they waited out the latency together: one after another they
  // would take 1.2 s.
  EXPECT_GE(seconds, 0.3);
  EXPECT_LT(seconds, 0.9);
  auto log = proxy->requests(4);
  ASSERT_EQ(log.size(), 4u);
  EXPECT_FALSE(log[0].pipelined);
  for (int i = 1; i < 4; ++i) EXPECT_TRUE(log[i].pipelined) << i;
  for (const auto& entry : log) EXPECT_EQ(entry.connection, log[0].connection);
}

TEST(FaultProxyTest, ServesManyConnectionsAtOnce) {
  auto registry = LocalRegistry::start();
  auto proxy =
      FaultProxy::start(registry->host(), json::parse(R"([{"path": "^/v2/$", "stall_ms": 1000}])"));
  constexpr int kClients = 20;
  std::vector<std::string> argv = {"curl",
                                   "-sS",
                                   "--parallel",
                                   "--parallel-immediate",
                                   "--parallel-max",
                                   std::to_string(kClients),
                                   "-w",
                                   "%{http_code}\n"};
  for (int i = 0; i < kClients; ++i)
    argv.insert(argv.end(), {"-o", "/dev/null", "http://" + proxy->host() + "/v2/"});
  const auto began = std::chrono::steady_clock::now();
  auto r = run_command(argv);
  const auto elapsed = std::chrono::steady_clock::now() - began;
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string all_ok;
  for (int i = 0; i < kClients; ++i) all_ok += "200\n";
  EXPECT_EQ(r.out, all_ok);
  // One after another they would take 20 s.
  EXPECT_LT(elapsed, std::chrono::seconds(8));
  EXPECT_EQ(proxy->requests(kClients).size(), static_cast<std::size_t>(kClients));
  EXPECT_EQ(proxy->count("GET", "/v2/"), kClients);
}

TEST(FaultProxyTest, LogsWhetherAuthorizationWasSentButNeverItsValue) {
  auto registry = LocalRegistry::start();
  auto proxy = FaultProxy::start(
      registry->host(), json::parse(R"([{"path": "denied", "respond": {"status": 401}}])"));
  const std::string auth = "Authorization: Basic c2VjcmV0";
  EXPECT_EQ(curl({"-H", auth, "http://" + proxy->host() + "/v2/"}).status, 200);
  EXPECT_EQ(curl({"-H", auth, "http://" + proxy->host() + "/v2/denied"}).status, 401);
  EXPECT_EQ(
      curl({"-H", auth, "-X", "POST", "http://" + proxy->host() + "/v2/a/blobs/uploads/"}).status,
      202);
  EXPECT_EQ(curl({"http://" + proxy->host() + "/v2/"}).status, 200);
  auto log = proxy->requests(4);
  ASSERT_EQ(log.size(), 4u);
  EXPECT_TRUE(log[0].authorization);
  EXPECT_TRUE(log[1].authorization);
  EXPECT_TRUE(log[2].authorization);
  EXPECT_FALSE(log[3].authorization);
  EXPECT_EQ(file_text(proxy->log_file()).find("c2VjcmV0"), std::string::npos);
  EXPECT_EQ(proxy->stderr_text().find("c2VjcmV0"), std::string::npos);
}

}  // namespace
}  // namespace layerpush::testing
