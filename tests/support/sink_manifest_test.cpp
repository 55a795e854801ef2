// The sink registry's manifest endpoints (put, read back by tag and digest, HEAD, delete, the
// 4 MiB limit), and the layerpush-sink program: it prints its address, serves, logs each request
// as a JSON line, and prints its counters when stopped.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "hashing/sha256.h"
#include "tests/support/curl.h"
#include "tests/support/process.h"
#include "tests/support/spawn_util.h"
#include "tools/sink/sink_server.h"

namespace layerpush::testing {
namespace {

using nlohmann::json;
using sink::SinkServer;
const std::string kOciManifest = "application/vnd.oci.image.manifest.v1+json";

std::string url(const SinkServer& sink, const std::string& path) {
  return "http://" + sink.address() + path;
}

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Sends `requests` as they are on one connection and returns everything that comes back until
// the sink closes it.
std::string exchange(std::uint16_t port, const std::string& requests) {
  boost::asio::io_context context;
  boost::asio::ip::tcp::socket socket(context);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(socket, boost::asio::buffer(requests));
  std::string replies;
  boost::system::error_code ec;
  boost::asio::read(socket, boost::asio::dynamic_buffer(replies), ec);  // until EOF
  return replies;
}

TEST(SinkManifestTest, PutManifestIsReadBackByTagAndDigest) {
  TempDir dir;
  SinkServer sink;
  sink.start();
  const std::string body = R"({"schemaVersion":2,"mediaType":")" + kOciManifest + R"("})";
  std::ofstream(dir.path() / "m.json") << body;
  const std::string digest = hashing::sha256_of(body).str();
  auto put = curl({"-X", "PUT", "-H", "Content-Type: " + kOciManifest, "--data-binary",
                   "@" + (dir.path() / "m.json").string(), url(sink, "/v2/x/y/manifests/1")});
  EXPECT_EQ(put.status, 201) << put.err << put.body;
  EXPECT_EQ(put.header("docker-content-digest"), digest);
  EXPECT_EQ(put.header("location"), "/v2/x/y/manifests/" + digest);

  for (const std::string ref : {"1", digest.c_str()}) {
    auto get = curl({url(sink, "/v2/x/y/manifests/" + ref)});
    EXPECT_EQ(get.status, 200) << ref;
    EXPECT_EQ(get.body, body);
    EXPECT_EQ(get.header("content-type"), kOciManifest);
    EXPECT_EQ(get.header("docker-content-digest"), digest);
  }
  auto head = curl({"-I", url(sink, "/v2/x/y/manifests/1")});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(body.size()));
  // A HEAD reply has no body: the next response on the connection follows its header at once.
  const std::string both = exchange(sink.port(),
                                    "HEAD /v2/x/y/manifests/1 HTTP/1.1\r\nHost: s\r\n\r\n"
                                    "GET /v2/ HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(both.starts_with("HTTP/1.1 200 OK\r\n")) << both;
  EXPECT_EQ(both.find("schemaVersion"), std::string::npos) << both;
  EXPECT_TRUE(both.ends_with("\r\n\r\n{}")) << both;
  // Another repository, or another tag, has none.
  auto unknown = curl({url(sink, "/v2/x/z/manifests/1")});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(json::parse(unknown.body)["errors"][0]["code"], "MANIFEST_UNKNOWN");
  EXPECT_EQ(curl({"-I", url(sink, "/v2/x/y/manifests/2")}).status, 404);

  EXPECT_EQ(curl({"-X", "DELETE", url(sink, "/v2/x/y/manifests/1")}).status, 202);
  EXPECT_EQ(curl({url(sink, "/v2/x/y/manifests/1")}).status, 404);
  EXPECT_EQ(curl({"-X", "DELETE", url(sink, "/v2/x/y/manifests/1")}).status, 404);
  EXPECT_EQ(sink.counters().manifests, 1u);
  EXPECT_EQ(sink.counters().bytes_received, 0u);  // manifests are not blob bytes
}

TEST(SinkManifestTest, RefusesAWrongDigestReferenceAndAnOversizedManifest) {
  TempDir dir;
  SinkServer sink;
  sink.start();
  std::ofstream(dir.path() / "m.json") << "{}";
  const std::string wrong = hashing::sha256_of(std::string("{ }")).str();
  auto mismatch =
      curl({"-X", "PUT", "-H", "Content-Type: " + kOciManifest, "--data-binary",
            "@" + (dir.path() / "m.json").string(), url(sink, "/v2/x/y/manifests/" + wrong)});
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(json::parse(mismatch.body)["errors"][0]["code"], "DIGEST_INVALID");

  std::ofstream(dir.path() / "big.json") << std::string((4 << 20) + 1, ' ');
  for (const std::string framing : {"", "Transfer-Encoding: chunked"}) {
    std::vector<std::string> args = {"-X",
                                     "PUT",
                                     "-H",
                                     "Content-Type: " + kOciManifest,
                                     "--data-binary",
                                     "@" + (dir.path() / "big.json").string(),
                                     url(sink, "/v2/x/y/manifests/big")};
    if (!framing.empty()) args.insert(args.begin(), {"-H", framing});
    auto big = curl(args);
    EXPECT_EQ(big.status, 400) << framing << big.err;
    EXPECT_EQ(json::parse(big.body)["errors"][0]["code"], "MANIFEST_INVALID") << framing;
  }
  EXPECT_EQ(curl({url(sink, "/v2/x/y/manifests/big")}).status, 404);
  EXPECT_EQ(sink.counters().manifests, 0u);
}

// The program: started with port 0, it must say where it listens before anything else.
TEST(SinkManifestTest, ProgramPrintsItsAddressServesAndReportsCounters) {
  TempDir dir;
  const auto out = dir.path() / "out";
  SpawnActions actions;
  actions.open(1, out.string(), O_WRONLY | O_CREAT | O_TRUNC);
  SpawnAttributes attributes(true);
  pid_t pid = 0;
  const auto program = built_program("layerpush-sink");
  const auto log = dir.path() / "log";
  ASSERT_EQ(spawn_program({program.string(), "--listen", "127.0.0.1:0", "--threads", "2", "--log",
                           log.string()},
                          environment_with({}), actions, attributes, pid),
            0);
  struct Reaper {  // an ASSERT below must not leave the program running
    pid_t pid;
    ~Reaper() {
      if (pid > 0) stop_and_reap(pid);
    }
  } reaper{pid};
  std::string address;
  for (int i = 0; i < 100 && address.empty(); ++i) {
    const std::string text = file_text(out);
    if (text.find('\n') != std::string::npos)
      address = text.substr(0, text.find('\n'));
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(address.starts_with("127.0.0.1:")) << address << " (" << program << ")";
  EXPECT_NE(address, "127.0.0.1:0");
  auto ping = curl({"http://" + address + "/v2/"});
  EXPECT_EQ(ping.status, 200);
  EXPECT_EQ(ping.header("docker-distribution-api-version"), "registry/2.0");
  auto missing = curl({"-I", "http://" + address + "/v2/x/y/blobs/sha256:" + std::string(64, 'a')});
  EXPECT_EQ(missing.status, 404);
  stop_and_reap(pid);
  reaper.pid = 0;
  // One JSON line per request, in the order they were answered.
  std::istringstream lines(file_text(log));
  std::string first, second;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_EQ(json::parse(first),
            json({{"method", "GET"}, {"target", "/v2/"}, {"status", 200}, {"body_bytes", 0}}));
  EXPECT_EQ(json::parse(second)["status"], 404);
  EXPECT_EQ(json::parse(second)["method"], "HEAD");
  const std::string text = file_text(out);
  const json summary = json::parse(text.substr(text.find('\n') + 1));
  EXPECT_EQ(summary["requests"], 2);
  EXPECT_EQ(summary["blobs"], 0);
}

}  // namespace
}  // namespace layerpush::testing
