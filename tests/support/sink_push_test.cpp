// Pushes generated images into the sink registry (in-process) with the built layerpush and with
// skopeo: both must succeed against it, every blob byte must arrive exactly once and verify, and
// a second push must send no blob bytes because HEAD finds every blob.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/support/curl.h"
#include "tests/support/mkimage.h"
#include "tests/support/process.h"
#include "tools/sink/sink_server.h"

namespace layerpush::testing {
namespace {

using nlohmann::json;
using sink::SinkServer;

struct Image {
  std::filesystem::path layout;
  json report;                   // layerpush-mkimage's
  std::uint64_t blob_bytes = 0;  // layers and config
  std::uint64_t blobs = 0;
};

Image make_image(const std::filesystem::path& layout, std::vector<std::string> args) {
  args.insert(args.begin(), {"--format", "oci", "--out", layout.string(), "--name", "x/y:1"});
  Image image{layout, json::parse(run_mkimage(args))};
  for (const auto& layer : image.report["layers"])
    image.blob_bytes += layer["size"].get<std::uint64_t>();
  const std::string config = image.report["config_digest"];
  image.blob_bytes += std::filesystem::file_size(layout / "blobs" / "sha256" / config.substr(7));
  image.blobs = image.report["layers"].size() + 1;
  return image;
}

CommandResult layerpush_push(const Image& image, const SinkServer& sink,
                             std::vector<std::string> options = {}) {
  std::vector<std::string> argv = {built_program("layerpush").string(), "push", "-q"};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back("oci:" + image.layout.string() + ":1");
  argv.push_back(sink.address() + "/x/y:1");
  return run_command(argv, std::nullopt, {}, 120);
}

CommandResult skopeo_copy(const Image& image, const SinkServer& sink) {
  return run_command(
      {"skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false",
       "oci:" + image.layout.string() + ":1", "docker://" + sink.address() + "/x/y:1"},
      std::nullopt, {}, 120);
}

void expect_manifest_stored(const SinkServer& sink, const Image& image) {
  auto head = curl({"-I", "http://" + sink.address() + "/v2/x/y/manifests/1"});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("docker-content-digest"), image.report["manifest_digest"]);
}

TEST(SinkPushTest, LayerpushPushArrivesWholeAndARepushSendsNoBlobBytes) {
  TempDir dir;
  const Image image = make_image(dir.path() / "img", {"--layers", "4", "--layer-size", "1M"});
  SinkServer sink;
  sink.start("127.0.0.1", 0, 2);
  auto push = layerpush_push(image, sink);
  ASSERT_EQ(push.exit_code, 0) << push.err;
  EXPECT_EQ(push.out, image.report["manifest_digest"].get<std::string>() + "\n");
  auto after = sink.counters();
  EXPECT_EQ(after.blobs, image.blobs);
  EXPECT_EQ(after.bytes_received, image.blob_bytes);
  EXPECT_EQ(after.digest_failures, 0u);
  EXPECT_EQ(after.manifests, 1u);
  expect_manifest_stored(sink, image);

  auto again = layerpush_push(image, sink);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const auto second = sink.counters();
  EXPECT_EQ(second.bytes_received, after.bytes_received);
  EXPECT_EQ(second.blobs, after.blobs);
  // The tag already names this manifest (one HEAD says so): it is not put again.
  EXPECT_EQ(second.manifests, 1u);
  expect_manifest_stored(sink, image);
}

// Chunks of 300 KiB: PATCH with Content-Range, each checked against the session's offset.
TEST(SinkPushTest, LayerpushChunkedPushVerifies) {
  TempDir dir;
  const Image image =
      make_image(dir.path() / "img", {"--layers", "2", "--layer-size", "1M", "--seed", "7"});
  SinkServer sink;
  sink.start();
  auto push = layerpush_push(image, sink, {"--chunk-size", "300K"});
  ASSERT_EQ(push.exit_code, 0) << push.err;
  const auto counters = sink.counters();
  EXPECT_EQ(counters.blobs, image.blobs);
  EXPECT_EQ(counters.bytes_received, image.blob_bytes);
  EXPECT_EQ(counters.digest_failures, 0u);
  // 1 MiB layers in 300 KiB chunks: at least 4 PATCHes each, beyond HEAD, POST and PUT.
  EXPECT_GE(counters.requests, 2 * (3 + 4));
}

// Gzip layers, so that skopeo sends them as they are and the byte count is the layout's.
TEST(SinkPushTest, SkopeoCopyArrivesWholeAndARecopySendsNoBlobBytes) {
  TempDir dir;
  const Image image =
      make_image(dir.path() / "img", {"--layers", "3", "--layer-size", "512K", "--gzip-layers"});
  SinkServer sink;
  sink.start();
  auto copy = skopeo_copy(image, sink);
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  auto after = sink.counters();
  EXPECT_EQ(after.blobs, image.blobs);
  EXPECT_EQ(after.bytes_received, image.blob_bytes);
  EXPECT_EQ(after.digest_failures, 0u);
  expect_manifest_stored(sink, image);

  auto again = skopeo_copy(image, sink);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(sink.counters().bytes_received, after.bytes_received);
  EXPECT_EQ(sink.counters().blobs, after.blobs);
}

}  // namespace
}  // namespace layerpush::testing
