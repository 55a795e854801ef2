// copy_into_oci_layout over images written by layerpush-mkimage: every blob and manifest into
// blobs/sha256 under its digest, index.json naming the manifest last; blobs already there not
// read again; tags added, moved and kept (--no-clobber); indexes byte for byte; docker-archive
// layers compressed on the way; corrupt sources and malformed indexes refused without a trace.
#include "engine/copy/oci_layout_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "engine/image/image_source.h"
#include "engine/util/error.h"
#include "hashing/sha256.h"
#include "tests/support/mkimage.h"
#include "tests/support/process.h"

namespace layerpush::engine {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
constexpr const char* kRefName = "org.opencontainers.image.ref.name";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class OciLayoutWriterTest : public ::testing::Test {
 protected:
  // An OCI layout from mkimage at tmp/NAME; returns mkimage's report.
  json make_layout(const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--format",     "oci", "--out",  path(name),   "--layers", "3",
                                     "--layer-size", "64K", "--name", "test/app:v1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return json::parse(testing::run_mkimage(args));
  }
  std::string path(const std::string& name) const { return (tmp_.path() / name).string(); }

  LayoutReport copy(const std::string& source, const std::string& out,
                    std::optional<std::string> tag, bool no_clobber = false) {
    LayoutWriteOptions options;
    options.jobs = 3;
    options.tag = std::move(tag);
    options.no_clobber = no_clobber;
    options.io_backend = io::Backend::kPread;
    return copy_into_oci_layout(load_source(source), path(out), options);
  }

  json index_of(const std::string& out) const {
    return json::parse(read_file(path(out) + "/index.json"));
  }

  // Every file of blobs/sha256 hashes to its name, and nothing else (no temporary file) is there.
  std::set<std::string> checked_blobs(const std::string& out) const {
    std::set<std::string> digests;
    for (const auto& entry : fs::directory_iterator(path(out) + "/blobs/sha256")) {
      const std::string name = entry.path().filename().string();
      EXPECT_EQ(hashing::sha256_of(read_file(entry.path())).hex(), name);
      digests.insert("sha256:" + name);
    }
    return digests;
  }

  testing::TempDir tmp_{"layerpush-layout-writer"};
};

TEST_F(OciLayoutWriterTest, WritesEveryBlobThenTheIndex) {
  const auto image = make_layout("src");
  const auto report = copy("oci:" + path("src") + ":v1", "out", "v1");
  EXPECT_EQ(report.manifest_digest, image["manifest_digest"]);
  EXPECT_EQ(report.destination, "oci:" + path("out") + ":v1");
  ASSERT_EQ(report.blobs.size(), 4u);
  for (const auto& blob : report.blobs) EXPECT_TRUE(blob.written) << blob.role;
  EXPECT_EQ(read_file(path("out") + "/oci-layout"), R"({"imageLayoutVersion":"1.0.0"})");
  const auto blobs = checked_blobs("out");
  EXPECT_EQ(blobs.size(), 5u);  // config, 3 layers, manifest
  EXPECT_TRUE(blobs.count(image["config_digest"]));
  for (const auto& layer : image["layers"]) EXPECT_TRUE(blobs.count(layer["digest"])) << layer;
  EXPECT_EQ(read_file(path("out") + "/blobs/sha256/" +
                      image["manifest_digest"].get<std::string>().substr(7)),
            read_file(path("src") + "/blobs/sha256/" +
                      image["manifest_digest"].get<std::string>().substr(7)));
  const auto index = index_of("out");
  ASSERT_EQ(index["manifests"].size(), 1u);
  const auto& d = index["manifests"][0];
  EXPECT_EQ(d["mediaType"], media_type::kOciManifest);
  EXPECT_EQ(d["digest"], image["manifest_digest"]);
  EXPECT_EQ(d["size"], image["manifest_size"]);
  EXPECT_EQ(d["annotations"][kRefName], "v1");
  // What was written loads as a source again.
  EXPECT_EQ(load_source("oci:" + path("out") + ":v1").blobs.size(), 4u);
}

TEST_F(OciLayoutWriterTest, BlobsAlreadyThereAreNotReadAgain) {
  const auto image = make_layout("src");
  copy("oci:" + path("src") + ":v1", "out", "v1");
  // Spoil every source layer, keeping its size: reading one again would fail as corrupt.
  for (const auto& layer : image["layers"]) {
    std::fstream f(path("src") + "/blobs/sha256/" + layer["digest"].get<std::string>().substr(7),
                   std::ios::in | std::ios::out | std::ios::binary);
    f.put('\xff');
  }
  const auto again = copy("oci:" + path("src") + ":v1", "out", "v1");
  for (const auto& blob : again.blobs) EXPECT_FALSE(blob.written) << blob.role;
  EXPECT_EQ(again.bytes_written, 0u);
  EXPECT_EQ(index_of("out")["manifests"].size(), 1u);
}

TEST_F(OciLayoutWriterTest, ASecondTagKeepsBothAndAnUntaggedCopyAddsNothingListed) {
  const auto image = make_layout("src");
  copy("oci:" + path("src") + ":v1", "out", "v1");
  copy("oci:" + path("src") + ":v1", "out", "v2");
  copy("oci:" + path("src") + ":v1", "out", std::nullopt);
  const auto manifests = index_of("out")["manifests"];
  ASSERT_EQ(manifests.size(), 2u) << manifests;
  EXPECT_EQ(manifests[0]["annotations"][kRefName], "v1");
  EXPECT_EQ(manifests[1]["annotations"][kRefName], "v2");
  for (const auto& d : manifests) EXPECT_EQ(d["digest"], image["manifest_digest"]);
}

TEST_F(OciLayoutWriterTest, AnUntaggedCopyOfANewImageIsAdded) {
  make_layout("src");
  copy("oci:" + path("src") + ":v1", "out", std::nullopt);
  const auto manifests = index_of("out")["manifests"];
  ASSERT_EQ(manifests.size(), 1u);
  EXPECT_FALSE(manifests[0].contains("annotations")) << manifests[0];
}

TEST_F(OciLayoutWriterTest, TheSameTagMovesToTheNewImageUnlessNoClobber) {
  const auto first = make_layout("a");
  const auto second = make_layout("b", {"--seed", "7"});
  ASSERT_NE(first["manifest_digest"], second["manifest_digest"]);
  copy("oci:" + path("a") + ":v1", "out", "v1");
  copy("oci:" + path("a") + ":v1", "out", "keep");
  const auto before = read_file(path("out") + "/index.json");
  try {
    copy("oci:" + path("b") + ":v1", "out", "v1", /*no_clobber=*/true);
    ADD_FAILURE() << "--no-clobber moved the tag";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kTagTaken);
    EXPECT_NE(std::string(e.what()).find(first["manifest_digest"].get<std::string>()),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(read_file(path("out") + "/index.json"), before);
  copy("oci:" + path("b") + ":v1", "out", "v1");
  const auto manifests = index_of("out")["manifests"];
  ASSERT_EQ(manifests.size(), 2u) << manifests;
  // Replaced in its place; the other tag kept as it was.
  EXPECT_EQ(manifests[0]["annotations"][kRefName], "v1");
  EXPECT_EQ(manifests[0]["digest"], second["manifest_digest"]);
  EXPECT_EQ(manifests[1]["annotations"][kRefName], "keep");
  EXPECT_EQ(manifests[1]["digest"], first["manifest_digest"]);
  // Both images stay whole: a shared layer once, every blob checked.
  EXPECT_EQ(load_source("oci:" + path("out") + ":keep").blobs.size(), 4u);
  checked_blobs("out");
}

TEST_F(OciLayoutWriterTest, AnIndexIsWrittenByteForByteWithItsImages) {
  const auto image = make_layout("src", {"--platforms", "linux/amd64,linux/arm64/v8"});
  const auto report = copy("oci:" + path("src") + ":v1", "out", "multi");
  EXPECT_EQ(report.manifest_digest, image["manifest_digest"]);
  const auto blobs = checked_blobs("out");
  EXPECT_TRUE(blobs.count(image["manifest_digest"]));
  for (const auto& child : image["images"]) {
    EXPECT_TRUE(blobs.count(child["manifest_digest"])) << child;
    EXPECT_TRUE(blobs.count(child["config_digest"])) << child;
  }
  const auto index = index_of("out");
  ASSERT_EQ(index["manifests"].size(), 1u);
  EXPECT_EQ(index["manifests"][0]["mediaType"], media_type::kOciIndex);
  EXPECT_EQ(load_source("oci:" + path("out") + ":multi").children.size(), 2u);
}

TEST_F(OciLayoutWriterTest, DockerArchiveLayersAreCompressedOnTheWay) {
  const auto archive = json::parse(testing::run_mkimage(
      {"--format", "docker-archive", "--out", path("saved.tar"), "--layers", "2", "--layer-size",
       "256K", "--content", "text", "--name", "test/saved:1.0"}));
  const auto report = copy("docker-archive:" + path("saved.tar"), "out", "1.0");
  ASSERT_EQ(report.blobs.size(), 3u);
  const auto blobs = checked_blobs("out");
  for (const auto& blob : report.blobs) EXPECT_TRUE(blobs.count(blob.digest)) << blob.role;
  EXPECT_LT(report.blobs[1].size, 256u << 10);  // text compresses
  const auto written = load_source("oci:" + path("out") + ":1.0");
  EXPECT_EQ(written.manifest_media_type, media_type::kOciManifest);  // as skopeo writes layouts
  EXPECT_EQ(written.blobs[0].digest->str(), archive["images"][0]["config_digest"]);
  EXPECT_EQ(index_of("out")["manifests"][0]["digest"], report.manifest_digest);
}

TEST_F(OciLayoutWriterTest, ACorruptSourceBlobLeavesNoTrace) {
  const auto image = make_layout("src");
  const std::string layer = image["layers"][1]["digest"];
  {
    std::fstream f(path("src") + "/blobs/sha256/" + layer.substr(7),
                   std::ios::in | std::ios::out | std::ios::binary);
    f.put('\xff');
  }
  try {
    copy("oci:" + path("src") + ":v1", "out", "v1");
    ADD_FAILURE() << "a corrupt layer was copied";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kCorrupt);
    EXPECT_NE(std::string(e.what()).find(layer), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(path("out") + "/index.json"));
  EXPECT_FALSE(checked_blobs("out").count(layer));
}

TEST_F(OciLayoutWriterTest, AMalformedIndexIsRefusedBeforeAnyBlob) {
  make_layout("src");
  fs::create_directories(path("out"));
  std::ofstream(path("out") + "/index.json") << "{\"manifests\": 3}";
  try {
    copy("oci:" + path("src") + ":v1", "out", "v1");
    ADD_FAILURE() << "a malformed index.json was replaced";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find(path("out") + "/index.json"), std::string::npos);
  }
  EXPECT_EQ(read_file(path("out") + "/index.json"), "{\"manifests\": 3}");
  EXPECT_TRUE(fs::is_empty(path("out") + "/blobs/sha256"));
}

}  // namespace
}  // namespace layerpush::engine
