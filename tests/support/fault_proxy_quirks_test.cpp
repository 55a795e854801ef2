// layerpush-faultproxy emulating what other registries do, in front of a real docker-registry:
// redirects to another port, rewritten statuses, body-size limits, minimum chunk sizes; and
// skopeo pushing a whole image through it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "hashing/sha256.h"
#include "tests/support/curl.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/mkimage.h"
#include "tests/support/process.h"
#include "tests/support/registry.h"

namespace layerpush::testing {
namespace {

using nlohmann::json;
// Without it curl sends a form type, and the registry then reads the body as a form.
const std::string kOctetStream = "Content-Type: application/octet-stream";

std::string start_upload(const std::string& host, const std::string& repo) {
  auto r = curl({"-X", "POST", "http://" + host + "/v2/" + repo + "/blobs/uploads/"});
  EXPECT_EQ(r.status, 202) << r.err;
  return r.header("location");
}

CurlReply send_body(const std::string& method, const std::string& url,
                    const std::filesystem::path& file, std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"-X",         method,          "-H",
                                   kOctetStream, "--data-binary", "@" + file.string()};
  args.insert(args.end(), more.begin(), more.end());
  args.push_back(url);
  return curl(args);
}

// Writes bytes [from, from + size) of `source` to `part`.
std::filesystem::path slice(const Blob& source, std::size_t from, std::size_t size,
                            const std::filesystem::path& part) {
  std::ifstream in(source.file, std::ios::binary);
  std::string bytes(size, '\0');
  in.seekg(static_cast<std::streamoff>(from));
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  std::ofstream(part, std::ios::binary) << bytes;
  return part;
}

TEST(FaultProxyQuirksTest, RedirectSendsTheClientToTheSecondListener) {
  TempDir dir;
  auto registry = LocalRegistry::start();
  auto proxy = FaultProxy::start(
      registry->host(),
      json::parse(
          R"([{"listener": 0, "method": "PUT", "redirect": {"status": 307, "to_listener": 1}}])"),
      {.second_listener = true});
  ASSERT_NE(proxy->host(), proxy->second_host());
  const Blob blob = random_blob(dir.path() / "blob", 2 << 20);
  const std::string auth = "Authorization: Basic c2VjcmV0";

  const std::string url = start_upload(proxy->host(), "test/redirect") + "&digest=" + blob.digest;
  auto redirected = send_body("PUT", url, blob.file, {"-H", auth});
  EXPECT_EQ(redirected.status, 307) << redirected.err;
  const std::string target = url.substr(("http://" + proxy->host()).size());
  EXPECT_EQ(redirected.header("location"), "http://" + proxy->second_host() + target);

  // Followed (curl re-sends the body, and drops Authorization for the other port), the upload
  // completes through listener 1.
  auto followed = send_body("PUT", url, blob.file, {"-H", auth, "-L"});
  EXPECT_EQ(followed.status, 201) << followed.err << followed.body;
  EXPECT_EQ(followed.header("docker-content-digest"), blob.digest);

  auto log = proxy->requests(4);
  ASSERT_EQ(log.size(), 4u) << proxy->log_text();
  for (int i : {1, 2}) {
    EXPECT_EQ(log[i].listener, 0);
    EXPECT_EQ(log[i].action, "redirect");
    EXPECT_EQ(log[i].status, 307);
    EXPECT_TRUE(log[i].authorization);
    EXPECT_EQ(log[i].rule, 0);
  }
  EXPECT_EQ(log[3].listener, 1);
  EXPECT_EQ(log[3].method, "PUT");
  EXPECT_EQ(log[3].status, 201);
  EXPECT_EQ(log[3].action, "forward");
  EXPECT_FALSE(log[3].authorization);
  EXPECT_EQ(log[3].body_bytes, blob.size);
  EXPECT_EQ(registry->count_requests("PUT", "/v2/test/redirect/blobs/uploads/"), 1);
}

TEST(FaultProxyQuirksTest, RewriteStatusChangesOnlyTheNamedStatus) {
  TempDir dir;
  auto registry = LocalRegistry::start();
  auto proxy = FaultProxy::start(
      registry->host(),
      json::parse(R"([{"method": "PATCH", "rewrite_status": {"from": 202, "to": 201}}])"));
  const Blob blob = random_blob(dir.path() / "blob", 100 << 10);
  auto patch = send_body("PATCH", start_upload(proxy->host(), "test/rewrite"), blob.file,
                         {"-H", "Content-Range: 0-" + std::to_string(blob.size - 1)});
  EXPECT_EQ(patch.status, 201) << patch.err;  // what ECR answers
  EXPECT_EQ(patch.header("range"), "0-" + std::to_string(blob.size - 1));
  EXPECT_TRUE(patch.header("location").starts_with("http://" + proxy->host() + "/v2/"));
  // Another status passes unchanged: a PATCH to an unknown session gets the registry's 404.
  auto unknown = send_body("PATCH",
                           "http://" + proxy->host() +
                               "/v2/test/rewrite/blobs/uploads/"
                               "00000000-0000-0000-0000-000000000000",
                           blob.file);
  EXPECT_EQ(unknown.status, 404);
  auto put = curl({"-X", "PUT", patch.header("location") + "&digest=" + blob.digest});
  EXPECT_EQ(put.status, 201) << put.body;

  auto log = proxy->requests(4);
  ASSERT_EQ(log.size(), 4u) << proxy->log_text();
  EXPECT_EQ(log[1].action, "rewrite_status");
  EXPECT_EQ(log[1].status, 201);
  EXPECT_EQ(log[2].action, "forward");
  EXPECT_EQ(log[2].rule, 0);
  EXPECT_EQ(log[2].status, 404);
  int patches_accepted = 0;
  for (const auto& r : registry->requests())
    if (r.method == "PATCH" && r.status == 202) ++patches_accepted;
  EXPECT_EQ(patches_accepted, 1);
}

TEST(FaultProxyQuirksTest, MaxBodyRefusesLargeBodiesWithoutForwardingThem) {
  TempDir dir;
  auto registry = LocalRegistry::start();
  auto proxy = FaultProxy::start(registry->host(), json::parse(R"([
    {"method": "PATCH", "max_body": {"bytes": 1048576, "status": 413}},
    {"method": "PUT", "max_body": {"bytes": 10, "status": 416}}])"));
  const std::string location = start_upload(proxy->host(), "test/max");
  // 2 MiB, sent with Expect: 100-continue: refused before the body is sent.
  const Blob large = random_blob(dir.path() / "large", 2 << 20);
  auto refused = send_body("PATCH", location, large.file);
  EXPECT_EQ(refused.status, 413) << refused.err;
  EXPECT_EQ(json::parse(refused.body)["errors"][0]["code"], "SIZE_INVALID");
  EXPECT_EQ(registry->count_requests("PATCH", "/v2/test/max/"), 0);

  const Blob small = random_blob(dir.path() / "small", 512 << 10);
  auto accepted = send_body("PATCH", location, small.file);
  EXPECT_EQ(accepted.status, 202) << accepted.body;
  EXPECT_EQ(registry->count_requests("PATCH", "/v2/test/max/"), 1);
  // Without Expect the refused body is read and dropped; the status is the rule's.
  auto put = send_body("PUT", accepted.header("location") + "&digest=" + small.digest, small.file);
  EXPECT_EQ(put.status, 416);

  auto log = proxy->requests(4);
  ASSERT_EQ(log.size(), 4u) << proxy->log_text();
  EXPECT_EQ(log[1].action, "max_body");
  EXPECT_EQ(log[1].content_length, large.size);
  EXPECT_EQ(log[2].action, "forward");
  EXPECT_EQ(log[3].action, "max_body");
  EXPECT_EQ(log[3].rule, 1);
  EXPECT_EQ(log[3].body_bytes, small.size);
}

TEST(FaultProxyQuirksTest, MinChunkAnnouncesTheMinimumAndRefusesAChunkAfterAShortOne) {
  TempDir dir;
  auto registry = LocalRegistry::start();
  auto proxy =
      FaultProxy::start(registry->host(), json::parse(R"([{"min_chunk": {"bytes": 65536}}])"));
  auto post = curl({"-X", "POST", "http://" + proxy->host() + "/v2/test/min/blobs/uploads/"});
  EXPECT_EQ(post.status, 202);
  EXPECT_EQ(post.header("oci-chunk-min-length"), "65536");

  const Blob blob = random_blob(dir.path() / "blob", 65536 + 1000);
  auto full = send_body("PATCH", post.header("location"), slice(blob, 0, 65536, dir.path() / "a"),
                        {"-H", "Content-Range: 0-65535"});
  EXPECT_EQ(full.status, 202) << full.body;
  // A short chunk is fine as the last one...
  const auto short_part = slice(blob, 65536, 1000, dir.path() / "b");
  auto last =
      send_body("PATCH", full.header("location"), short_part, {"-H", "Content-Range: 65536-66535"});
  EXPECT_EQ(last.status, 202) << last.body;
  // ...but nothing may follow it.
  auto after =
      send_body("PATCH", last.header("location"), short_part, {"-H", "Content-Range: 66536-67535"});
  EXPECT_EQ(after.status, 416);
  EXPECT_EQ(registry->count_requests("PATCH", "/v2/test/min/"), 2);
  auto put = curl({"-X", "PUT", last.header("location") + "&digest=" + blob.digest});
  EXPECT_EQ(put.status, 201) << put.body;
  // Each session has its own history: a new one may start with a short chunk.
  auto other = send_body("PATCH", start_upload(proxy->host(), "test/min"), short_part);
  EXPECT_EQ(other.status, 202) << other.body;

  auto log = proxy->requests(7);
  ASSERT_EQ(log.size(), 7u) << proxy->log_text();
  EXPECT_EQ(log[0].action, "min_chunk");
  EXPECT_EQ(log[1].action, "forward");
  EXPECT_EQ(log[1].rule, 0);
  EXPECT_EQ(log[3].action, "min_chunk");
  EXPECT_EQ(log[3].status, 416);
  EXPECT_FALSE(log[4].rule.has_value());  // the PUT is not the rule's business
}

TEST(FaultProxyQuirksTest, SkopeoPushesAnImageThroughTheProxy) {
  TempDir dir;
  json image =
      json::parse(run_mkimage({"--format", "oci", "--out", (dir.path() / "img").string(),
                               "--layers", "2", "--layer-size", "256K", "--name", "test/fp:v1"}));
  auto registry = LocalRegistry::start();
  auto proxy = FaultProxy::start(registry->host(), json::array(), {.latency_ms = 5});
  auto copy = run_command(
      {"skopeo", "--insecure-policy", "copy", "--preserve-digests", "--dest-tls-verify=false",
       "oci:" + (dir.path() / "img").string() + ":v1", "docker://" + proxy->host() + "/test/fp:v1"},
      std::nullopt, {}, 120);
  ASSERT_EQ(copy.exit_code, 0) << copy.err;

  // The registry itself has the manifest, byte for byte.
  auto raw = run_command({"skopeo", "inspect", "--raw", "--tls-verify=false",
                          "docker://" + registry->host() + "/test/fp:v1"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(hashing::sha256_of(raw.out).str(), image["manifest_digest"]);
  EXPECT_EQ(proxy->count("PUT", "/v2/test/fp/manifests/v1"), 1);
  int blob_puts = 0;
  for (const auto& r : proxy->requests()) {
    EXPECT_TRUE(r.status.has_value()) << r.method << " " << r.target;
    EXPECT_EQ(r.action, "forward");
    if (r.method == "PUT" && r.target.find("/blobs/uploads/") != std::string::npos &&
        r.status == 201)
      ++blob_puts;
  }
  EXPECT_EQ(blob_puts, 3);  // two layers and the config
}

}  // namespace
}  // namespace layerpush::testing
