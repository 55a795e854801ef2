// Pushing OCI image layouts to a real registry, checked with skopeo.
#include "tests/e2e/push_fixture.h"

namespace layerpush::testing {
namespace {

class PushOciTest : public PushTest {
 protected:
  nlohmann::json make_oci(const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--format", "oci", "--out", dir(name), "--layers", "4",
                                     "--layer-size", "3M", "--name", "e2e/app:v1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return make_image(args);
  }

  // Every blob of the generated image is in what skopeo copied back, and the manifest digest the
  // registry serves is the layout's.
  void expect_pushed(const nlohmann::json& image, const std::string& repo_and_tag) {
    EXPECT_EQ(registry_manifest_digest(repo_and_tag), image["manifest_digest"]);
    auto blobs = copy_back(repo_and_tag);
    EXPECT_TRUE(blobs.count(image["config_digest"].get<std::string>()));
    for (const auto& layer : image["layers"])
      EXPECT_TRUE(blobs.count(layer["digest"].get<std::string>())) << layer["digest"];
  }
};

TEST_F(PushOciTest, PushesLayoutThatSkopeoReadsBackIdentically) {
  auto image = make_oci("oci", {"--gzip-layers"});
  auto summary = push_json({"oci:" + dir("oci") + ":v1", dest("e2e/app:v1")});
  EXPECT_EQ(summary["manifest_digest"], image["manifest_digest"]);
  EXPECT_EQ(summary["reference"], dest("e2e/app:v1"));
  ASSERT_EQ(summary["blobs"].size(), 5u);
  for (const auto& blob : summary["blobs"]) EXPECT_EQ(blob["action"], "uploaded");
  expect_pushed(image, "e2e/app:v1");
}

TEST_F(PushOciTest, RePushOfUnchangedImageSendsNoBlobBytes) {
  make_oci("oci");
  push_json({"oci:" + dir("oci") + ":v1", dest("e2e/app:v1")});
  registry_->forget_requests();
  auto again = push_json({"oci:" + dir("oci") + ":v1", dest("e2e/app:v1")});
  EXPECT_EQ(again["bytes_uploaded"], 0);
  for (const auto& blob : again["blobs"]) EXPECT_EQ(blob["action"], "exists");
  EXPECT_EQ(blob_uploads_seen(), 0) << registry_->log_text();
  // One HEAD for the manifest and one question per blob, all sent before the first answer came
  // back: a HEAD, or for each of the five lanes' first blobs the POST that would have opened
  // its session and mounted it from the repository itself instead. The manifest's answer says
  // the tag already names this image, so nothing is put again.
  EXPECT_EQ(registry_->count_requests("HEAD", "/manifests/"), 1);
  EXPECT_EQ(count_answered("POST", "/blobs/uploads/?mount=", 201), 5) << registry_->log_text();
  EXPECT_EQ(registry_->count_requests("HEAD", "/blobs/sha256:"), 0);
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0) << "nothing to put again";
}

TEST_F(PushOciTest, RePushWithOneLaneIsOneGetAndOnePipelinedBatch) {
  make_oci("oci");
  push_json({"oci:" + dir("oci") + ":v1", dest("e2e/app:v1")});
  registry_->forget_requests();
  auto again = push_json({"--jobs", "1", "oci:" + dir("oci") + ":v1", dest("e2e/app:v1")});
  EXPECT_EQ(again["requests"], 7)
      << "GET /v2/, then a HEAD of the manifest, a mount POST for the lane's first blob and "
         "HEADs of the other 4";
  EXPECT_EQ(again["connections"], 1);
  EXPECT_EQ(registry_->count_requests("HEAD", "/blobs/"), 4) << registry_->log_text();
  EXPECT_EQ(count_answered("POST", "/blobs/uploads/?mount=", 201), 1) << registry_->log_text();
  ASSERT_EQ(again["blobs"].size(), 5u);
  for (const auto& blob : again["blobs"]) EXPECT_EQ(blob["action"], "exists");

  // Another tag for the same image: the manifest there is unknown, every blob is known to be
  // in from the same batch, and the manifest is put under the new tag.
  registry_->forget_requests();
  auto other = push_json({"--jobs", "1", "oci:" + dir("oci") + ":v1", dest("e2e/app:v2")});
  EXPECT_EQ(other["requests"], 8) << "and the manifest's PUT";
  EXPECT_EQ(registry_->count_requests("HEAD", "/blobs/sha256:"), 4);
  EXPECT_EQ(blob_uploads_seen(), 0) << registry_->log_text();
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/v2"), 1);
}

TEST_F(PushOciTest, ChunkedUploadSendsContentRangePatches) {
  auto image = make_oci("oci");
  auto summary = push_json({"--chunk-size", "1M", "oci:" + dir("oci") + ":v1", dest("e2e/app:v1")});
  EXPECT_EQ(summary["manifest_digest"], image["manifest_digest"]);
  int expected_patches = 0;
  for (const auto& blob : summary["blobs"])
    expected_patches += static_cast<int>((blob["size"].get<std::uint64_t>() + (1 << 20) - 1) >> 20);
  EXPECT_EQ(registry_->count_requests("PATCH", "/blobs/uploads/"), expected_patches);
  expect_pushed(image, "e2e/app:v1");
}

TEST_F(PushOciTest, PreadFallbackPassesTheSamePush) {
  auto image = make_oci("oci");
  auto summary = push_json({"oci:" + dir("oci") + ":v1", dest("e2e/app:v1")}, {"LAYERPUSH_IO=pread"});
  EXPECT_EQ(summary["io_backend"], "pread");
  expect_pushed(image, "e2e/app:v1");
}

TEST_F(PushOciTest, IoUringPathPassesTheSamePush) {
  auto image = make_oci("oci");
  auto summary = push_json({"--io", "io_uring", "oci:" + dir("oci") + ":v1", dest("e2e/app:v1")});
  EXPECT_EQ(summary["io_backend"], "io_uring");
  expect_pushed(image, "e2e/app:v1");
}

TEST_F(PushOciTest, CorruptBlobFailsWithExitOneAndWritesNoTag) {
  auto image = make_oci("oci");
  const std::string layer = image["layers"][1]["digest"];
  const std::string path = dir("oci") + "/blobs/sha256/" + layer.substr(7);
  {  // flip one byte in the middle, keeping the size
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(1 << 20);
    char c = 0;
    f.get(c);
    f.seekp(1 << 20);
    f.put(static_cast<char>(c ^ 0x5a));
  }
  auto r = layerpush({"push", "oci:" + dir("oci") + ":v1", dest("e2e/app:v1")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("blob " + layer + " is corrupt: expected " + layer + ", read sha256:"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(dest("e2e/app:v1")), std::string::npos) << r.err;
  EXPECT_EQ(registry_->count_requests("PUT", "/manifests/"), 0);
  auto inspect = skopeo({"inspect", "--tls-verify=false", "docker://" + dest("e2e/app:v1")});
  EXPECT_NE(inspect.exit_code, 0) << "the tag must not exist after a failed push";
  // The corrupt layer never became a blob in the registry.
  auto head = run_command({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-I",
                           "http://" + registry_->host() + "/v2/e2e/app/blobs/" + layer});
  EXPECT_EQ(head.out, "404");
}

TEST_F(PushOciTest, PushesByDigestAndRefusesAMismatchedDigest) {
  auto image = make_oci("oci");
  const std::string digest = image["manifest_digest"];
  auto ok = layerpush({"push", "-q", "oci:" + dir("oci"), dest("e2e/app@" + digest)});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, digest + "\n");
  auto wrong = layerpush({"push", "oci:" + dir("oci"), dest("e2e/app@sha256:" + std::string(64, 'a'))});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("but the image's manifest is " + digest), std::string::npos) << wrong.err;
  registry_->forget_requests();
  auto again = layerpush({"push", "oci:" + dir("oci"), dest("e2e/other@sha256:" + std::string(64, 'b'))});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_EQ(registry_->requests().size(), 0u) << "a wrong digest is refused before any traffic";
}

TEST_F(PushOciTest, PrintsTheDockerStyleDigestLine) {
  auto image = make_oci("oci");
  auto r = layerpush({"push", "oci:" + dir("oci") + ":v1", dest("e2e/app:v1")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "v1: digest: " + image["manifest_digest"].get<std::string>() +
                       " size: " + std::to_string(image["manifest_size"].get<int>()) + "\n");
  // Not a terminal: one plain line per blob, then the summary.
  EXPECT_NE(r.err.find(": Pushed ("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pushed 5 of 5 blobs"), std::string::npos) << r.err;
}

TEST_F(PushOciTest, JsonPrintsALinePerBlobThenTheSummary) {
  auto image = make_oci("oci");
  auto r = layerpush({"push", "--json", "oci:" + dir("oci") + ":v1", dest("e2e/app:v1")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::vector<nlohmann::json> docs;
  for (std::string line; std::getline(lines, line);) docs.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(docs.size(), 6u) << r.out;  // config and 4 layers, then the summary
  std::set<std::string> digests;
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(docs[i]["type"], "blob") << docs[i];
    EXPECT_EQ(docs[i]["action"], "uploaded") << docs[i];
    EXPECT_GT(docs[i]["bytes"].get<std::uint64_t>(), 0u) << docs[i];
    EXPECT_TRUE(docs[i].contains("seconds") && docs[i].contains("retries")) << docs[i];
    digests.insert(docs[i]["digest"].get<std::string>());
  }
  EXPECT_TRUE(digests.count(image["config_digest"]));
  for (const auto& layer : image["layers"]) EXPECT_TRUE(digests.count(layer["digest"])) << layer;
  EXPECT_EQ(docs[5]["type"], "summary");
  EXPECT_EQ(docs[5]["manifest_digest"], image["manifest_digest"]);
  EXPECT_EQ(docs[5]["blobs"].size(), 5u);
}

class RelativeLocationTest : public PushOciTest {
  LocalRegistry::Options registry_options() const override { return {.relative_urls = true}; }
};

TEST_F(RelativeLocationTest, FollowsRelativeUploadLocations) {
  auto image = make_oci("oci");
  push_json({"oci:" + dir("oci") + ":v1", dest("e2e/app:v1")});
  push_json({"--chunk-size", "2M", "oci:" + dir("oci") + ":v1", dest("e2e/other:v1")});
  expect_pushed(image, "e2e/app:v1");
  expect_pushed(image, "e2e/other:v1");
}

}  // namespace
}  // namespace layerpush::testing
