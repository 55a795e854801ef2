// The sink registry (tools/sink/sink_server.h) in-process, driven by curl: the blob endpoints
// (monolithic, chunked and streamed uploads, mounts, status, cancel, HEAD), a digest mismatch,
// an out-of-order chunk (416), keep-alive, and many uploads at once on several threads.
// Manifests and the program are in sink_manifest_test.cpp.
#include "tools/sink/sink_server.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "tests/support/curl.h"
#include "tests/support/process.h"

namespace layerpush::testing {
namespace {

using nlohmann::json;
using sink::SinkServer;
const std::string kOctetStream = "Content-Type: application/octet-stream";

std::string url(const SinkServer& sink, const std::string& path) {
  return "http://" + sink.address() + path;
}

// Opens an upload session and returns its Location (a path).
std::string start_upload(const SinkServer& sink, const std::string& repo) {
  auto r = curl({"-X", "POST", url(sink, "/v2/" + repo + "/blobs/uploads/")});
  EXPECT_EQ(r.status, 202) << r.err << r.body;
  EXPECT_EQ(r.header("range"), "0-0");
  EXPECT_FALSE(r.header("docker-upload-uuid").empty());
  EXPECT_EQ(r.header("location"),
            "/v2/" + repo + "/blobs/uploads/" + r.header("docker-upload-uuid"));
  return r.header("location");
}

std::string error_code(const CurlReply& r) {
  return json::parse(r.body).at("errors").at(0).at("code").get<std::string>();
}

TEST(SinkServerTest, BaseEndpointAnswersAsARegistry) {
  SinkServer sink;
  sink.start();
  ASSERT_NE(sink.port(), 0);
  EXPECT_EQ(sink.address(), "127.0.0.1:" + std::to_string(sink.port()));
  auto r = curl({url(sink, "/v2/")});
  EXPECT_EQ(r.status, 200) << r.err;
  EXPECT_EQ(r.header("docker-distribution-api-version"), "registry/2.0");
  EXPECT_EQ(r.body, "{}");
  auto other = curl({url(sink, "/v1/_ping")});
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(sink.counters().requests, 2u);
}

TEST(SinkServerTest, MonolithicUploadIsVerifiedThenFoundByHead) {
  TempDir dir;
  SinkServer sink;
  sink.start();
  // 3 MiB: curl sends "Expect: 100-continue", which the sink must answer.
  const Blob blob = random_blob(dir.path() / "blob", 3 << 20);
  auto missing = curl({"-I", url(sink, "/v2/x/y/blobs/" + blob.digest)});
  EXPECT_EQ(missing.status, 404);

  const std::string location = start_upload(sink, "x/y");
  auto put = curl({"-X", "PUT", "-H", kOctetStream, "--data-binary", "@" + blob.file.string(),
                   url(sink, location + "?digest=" + blob.digest)});
  EXPECT_EQ(put.status, 201) << put.err << put.body;
  EXPECT_EQ(put.header("docker-content-digest"), blob.digest);
  EXPECT_EQ(put.header("location"), "/v2/x/y/blobs/" + blob.digest);

  auto head = curl({"-I", url(sink, "/v2/x/y/blobs/" + blob.digest)});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), std::to_string(blob.size));
  EXPECT_EQ(head.header("docker-content-digest"), blob.digest);
  // The session ended with its commit.
  EXPECT_EQ(curl({url(sink, location)}).status, 404);
  const auto counters = sink.counters();
  EXPECT_EQ(counters.blobs, 1u);
  EXPECT_EQ(counters.bytes_received, blob.size);
  EXPECT_EQ(counters.digest_failures, 0u);
}

TEST(SinkServerTest, DigestMismatchIsRefusedAndNotRemembered) {
  TempDir dir;
  SinkServer sink;
  sink.start();
  const Blob blob = random_blob(dir.path() / "blob", 100000);
  const Blob other = random_blob(dir.path() / "other", 10);
  const std::string location = start_upload(sink, "x/y");
  auto put = curl({"-X", "PUT", "-H", kOctetStream, "--data-binary", "@" + blob.file.string(),
                   url(sink, location + "?digest=" + other.digest)});
  EXPECT_EQ(put.status, 400) << put.err;
  EXPECT_EQ(error_code(put), "DIGEST_INVALID") << put.body;
  EXPECT_NE(put.body.find(blob.digest), std::string::npos) << put.body;
  EXPECT_EQ(curl({"-I", url(sink, "/v2/x/y/blobs/" + other.digest)}).status, 404);
  EXPECT_EQ(curl({"-I", url(sink, "/v2/x/y/blobs/" + blob.digest)}).status, 404);
  // A digest that is not one at all is refused before any byte is read.
  const std::string second = start_upload(sink, "x/y");
  auto malformed = curl({"-X", "PUT", url(sink, second + "?digest=sha256:abc")});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(error_code(malformed), "DIGEST_INVALID");
  const auto counters = sink.counters();
  EXPECT_EQ(counters.digest_failures, 1u);
  EXPECT_EQ(counters.blobs, 0u);
  EXPECT_EQ(counters.bytes_received, blob.size);
}

TEST(SinkServerTest, ChunkedUploadChecksContentRange) {
  TempDir dir;
  SinkServer sink;
  sink.start();
  const Blob blob = random_blob(dir.path() / "blob", 300000);
  ASSERT_EQ(run_command({"split", "-b", "100000", "-a", "1", blob.file.string(),
                         (dir.path() / "part").string()})
                .exit_code,
            0);
  const auto part = [&](char c) {
    return "@" + (dir.path() / ("part" + std::string(1, c))).string();
  };
  const std::string location = start_upload(sink, "x/y");
  auto patch = [&](const std::string& range, char c) {
    return curl({"-X", "PATCH", "-H", kOctetStream, "-H", "Content-Range: " + range,
                 "--data-binary", part(c), url(sink, location)});
  };
  auto one = patch("0-99999", 'a');
  EXPECT_EQ(one.status, 202) << one.err << one.body;
  EXPECT_EQ(one.header("range"), "0-99999");
  EXPECT_EQ(one.header("location"), location);

  // A chunk that does not start where the session stands: 416 with where it does.
  auto skipped = patch("200000-299999", 'c');
  EXPECT_EQ(skipped.status, 416);
  EXPECT_EQ(skipped.header("range"), "0-99999");
  auto status = curl({url(sink, location)});
  EXPECT_EQ(status.status, 204);
  EXPECT_EQ(status.header("range"), "0-99999");
  EXPECT_EQ(status.header("docker-upload-uuid"), location.substr(location.rfind('/') + 1));

  EXPECT_EQ(patch("100000-199999", 'b').status, 202);
  EXPECT_EQ(patch("200000-299999", 'c').header("range"), "0-299999");
  auto put = curl({"-X", "PUT", url(sink, location + "?digest=" + blob.digest)});
  EXPECT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(sink.counters().bytes_received, blob.size);  // the refused chunk was not counted
  EXPECT_EQ(sink.counters().blobs, 1u);
}

TEST(SinkServerTest, StreamedPatchWithChunkedEncodingAndAFinalPutBody) {
  TempDir dir;
  SinkServer sink;
  sink.start();
  const Blob blob = random_blob(dir.path() / "blob", 2 << 20);
  ASSERT_EQ(run_command({"split", "-b", "1500000", "-a", "1", blob.file.string(),
                         (dir.path() / "part").string()})
                .exit_code,
            0);
  const std::string location = start_upload(sink, "x/y");
  // As docker and crane stream: no Content-Range, no Content-Length.
  auto patch = curl({"-X", "PATCH", "-H", kOctetStream, "-H", "Transfer-Encoding: chunked",
                     "--data-binary", "@" + (dir.path() / "parta").string(), url(sink, location)});
  EXPECT_EQ(patch.status, 202) << patch.err;
  EXPECT_EQ(patch.header("range"), "0-1499999");
  // The rest comes with the commit.
  auto put =
      curl({"-X", "PUT", "-H", kOctetStream, "--data-binary", "@" + (dir.path() / "partb").string(),
            url(sink, location + "?digest=" + blob.digest)});
  EXPECT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(curl({"-I", url(sink, "/v2/x/y/blobs/" + blob.digest)}).header("content-length"),
            std::to_string(blob.size));
}

TEST(SinkServerTest, MountIsDoneForAKnownBlobElseASessionOpens) {
  TempDir dir;
  SinkServer sink;
  sink.start();
  const Blob blob = random_blob(dir.path() / "blob", 1000);
  const std::string location = start_upload(sink, "a/b");
  ASSERT_EQ(curl({"-X", "PUT", "-H", kOctetStream, "--data-binary", "@" + blob.file.string(),
                  url(sink, location + "?digest=" + blob.digest)})
                .status,
            201);
  auto mounted =
      curl({"-X", "POST", url(sink, "/v2/c/d/blobs/uploads/?mount=" + blob.digest + "&from=a/b")});
  EXPECT_EQ(mounted.status, 201);
  EXPECT_EQ(mounted.header("location"), "/v2/c/d/blobs/" + blob.digest);
  EXPECT_EQ(mounted.header("docker-content-digest"), blob.digest);
  const Blob unknown = random_blob(dir.path() / "unknown", 10);
  auto session = curl(
      {"-X", "POST", url(sink, "/v2/c/d/blobs/uploads/?mount=" + unknown.digest + "&from=a/b")});
  EXPECT_EQ(session.status, 202);
  EXPECT_TRUE(session.header("location").starts_with("/v2/c/d/blobs/uploads/"));
}

TEST(SinkServerTest, CancelledSessionIsGone) {
  SinkServer sink;
  sink.start();
  const std::string location = start_upload(sink, "x/y");
  EXPECT_EQ(curl({"-X", "DELETE", url(sink, location)}).status, 204);
  auto status = curl({url(sink, location)});
  EXPECT_EQ(status.status, 404);
  EXPECT_EQ(error_code(status), "BLOB_UPLOAD_UNKNOWN");
  EXPECT_EQ(curl({"-X", "DELETE", url(sink, location)}).status, 404);
  // A session belongs to its repository.
  const std::string other = start_upload(sink, "x/y");
  const std::string uuid = other.substr(other.rfind('/') + 1);
  EXPECT_EQ(curl({url(sink, "/v2/x/z/blobs/uploads/" + uuid)}).status, 404);
}

TEST(SinkServerTest, KeepsTheConnectionAlive) {
  SinkServer sink;
  sink.start();
  auto r = curl({"-v", url(sink, "/v2/"), url(sink, "/v2/x/y/blobs/uploads/nosuch")});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.err.find("Re-using existing connection"), std::string::npos) << r.err;
}

TEST(SinkServerTest, ManyUploadsAtOnceOnSeveralThreads) {
  TempDir dir;
  SinkServer sink;
  sink.start("127.0.0.1", 0, 4);
  constexpr int kUploads = 12;
  std::vector<Blob> blobs;
  for (int i = 0; i < kUploads; ++i)
    blobs.push_back(random_blob(dir.path() / ("blob" + std::to_string(i)), 512 * 1024 + i));
  std::vector<int> statuses(kUploads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kUploads; ++i)
    threads.emplace_back([&, i] {
      const std::string location = start_upload(sink, "x/y");
      statuses[i] =
          curl({"-X", "PUT", "-H", kOctetStream, "--data-binary", "@" + blobs[i].file.string(),
                url(sink, location + "?digest=" + blobs[i].digest)})
              .status;
    });
  for (auto& t : threads) t.join();
  std::uint64_t total = 0;
  for (int i = 0; i < kUploads; ++i) {
    EXPECT_EQ(statuses[i], 201) << i;
    total += blobs[i].size;
  }
  EXPECT_EQ(sink.counters().blobs, static_cast<std::uint64_t>(kUploads));
  EXPECT_EQ(sink.counters().bytes_received, total);
  sink.stop();
  EXPECT_EQ(sink.counters().blobs, static_cast<std::uint64_t>(kUploads));  // kept after stop
  EXPECT_NE(curl({"--max-time", "5", url(sink, "/v2/")}).exit_code, 0);    // and no longer served
}

// stop() must not wait for clients: a connection idle between requests, and one that sent half
// a header, are both closed.
TEST(SinkServerTest, StopClosesOpenConnections) {
  namespace asio = boost::asio;
  SinkServer sink;
  sink.start("127.0.0.1", 0, 2);
  asio::io_context context;
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), sink.port());
  asio::ip::tcp::socket idle(context), half(context);
  idle.connect(endpoint);
  half.connect(endpoint);
  const std::string ping = "GET /v2/ HTTP/1.1\r\nHost: s\r\n\r\n";
  asio::write(idle, asio::buffer(ping));
  std::string reply(1024, '\0');
  boost::system::error_code ec;
  const std::size_t got = idle.read_some(asio::buffer(reply), ec);
  EXPECT_TRUE(reply.substr(0, got).starts_with("HTTP/1.1 200 OK")) << ec.message();
  asio::write(half, asio::buffer(std::string("GET /v2/ HTTP/1.1\r\nHo")));
  sink.stop();
  for (auto* socket : {&idle, &half}) {
    std::string rest;
    asio::read(*socket, asio::dynamic_buffer(rest), ec);  // returns once the sink closed it
    EXPECT_EQ(rest, "");
    EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();
  }
  EXPECT_EQ(sink.counters().requests, 1u);
}

}  // namespace
}  // namespace layerpush::testing
