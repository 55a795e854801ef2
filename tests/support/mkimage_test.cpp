// layerpush-mkimage: reproducible output, valid tar layers of the asked size, the OCI layout and
// docker-archive structures that skopeo reads, and its command-line checks.
#include "tests/support/mkimage.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "hashing/sha256.h"
#include "tests/support/process.h"

namespace layerpush::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path blob(const fs::path& layout, const std::string& digest) {
  return layout / "blobs" / "sha256" / digest.substr(7);
}

// Sum of the sizes of the regular files that `tar -tvf` lists.
std::uint64_t listed_file_bytes(const std::string& listing) {
  std::uint64_t total = 0;
  std::istringstream lines(listing);
  for (std::string mode, owner, size, rest;
       lines >> mode >> owner >> size && std::getline(lines, rest);)
    if (mode[0] == '-') total += std::stoull(size);
  return total;
}

TEST(MkimageTest, SameSeedGivesTheSameImageAndAnotherSeedAnother) {
  TempDir dir;
  auto make = [&](const std::string& out, const std::string& seed) {
    return run_mkimage({"--format", "oci", "--out", (dir.path() / out).string(), "--layers", "2",
                        "--layer-size", "100K", "--seed", seed});
  };
  std::string a = make("a", "7"), b = make("b", "7"), c = make("c", "8");
  EXPECT_EQ(a, b);
  EXPECT_NE(json::parse(a)["layers"][0]["digest"], json::parse(c)["layers"][0]["digest"]);
  EXPECT_NE(json::parse(a)["layers"][0]["digest"], json::parse(a)["layers"][1]["digest"]);
}

TEST(MkimageTest, OciLayerIsAValidTarOfTheRequestedSize) {
  TempDir dir;
  fs::path out = dir.path() / "img";
  json image = json::parse(run_mkimage(
      {"--format", "oci", "--out", out.string(), "--layers", "1", "--layer-size", "5M"}));
  const json& layer = image["layers"][0];
  std::string data = read_file(blob(out, layer["digest"]));
  EXPECT_EQ(hashing::sha256_of(data).str(), layer["digest"]);
  EXPECT_EQ(layer["diff_id"], layer["digest"]);
  EXPECT_EQ(layer["size"], data.size());
  EXPECT_LT(data.size(), (5u << 20) + 8192);
  auto listing = run_command({"tar", "-tvf", blob(out, layer["digest"]).string()});
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  EXPECT_EQ(listed_file_bytes(listing.out), 5u << 20) << listing.out;
}

TEST(MkimageTest, OciLayoutHasItsFilesAndSkopeoReadsIt) {
  TempDir dir;
  fs::path out = dir.path() / "img";
  json image = json::parse(run_mkimage({"--format", "oci", "--out", out.string(), "--layers", "3",
                                        "--layer-size", "1K", "--name", "x/y:v2"}));
  EXPECT_EQ(json::parse(read_file(out / "oci-layout")),
            json::parse(R"({"imageLayoutVersion":"1.0.0"})"));
  json index = json::parse(read_file(out / "index.json"));
  ASSERT_EQ(index["manifests"].size(), 1u);
  EXPECT_EQ(index["manifests"][0]["digest"], image["manifest_digest"]);
  EXPECT_EQ(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"], "v2");
  std::string manifest = read_file(blob(out, image["manifest_digest"]));
  EXPECT_EQ(hashing::sha256_of(manifest).str(), image["manifest_digest"]);
  json m = json::parse(manifest);
  EXPECT_EQ(m["mediaType"], "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(m["config"]["digest"], image["config_digest"]);
  ASSERT_EQ(m["layers"].size(), 3u);
  json config = json::parse(read_file(blob(out, image["config_digest"])));
  EXPECT_EQ(config["rootfs"]["diff_ids"].size(), 3u);
  EXPECT_EQ(config["rootfs"]["diff_ids"][2], image["layers"][2]["diff_id"]);

  auto raw = run_command({"skopeo", "inspect", "--raw", "oci:" + out.string() + ":v2"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(raw.out, manifest);
}

TEST(MkimageTest, GzipLayersDecompressToTheirDiffId) {
  TempDir dir;
  fs::path out = dir.path() / "img";
  json image =
      json::parse(run_mkimage({"--format", "oci", "--out", out.string(), "--layers", "1",
                               "--layer-size", "2M", "--content", "text", "--gzip-layers"}));
  const json& layer = image["layers"][0];
  EXPECT_EQ(layer["media_type"], "application/vnd.oci.image.layer.v1.tar+gzip");
  auto unzipped = run_command({"gzip", "-dc", blob(out, layer["digest"]).string()});
  ASSERT_EQ(unzipped.exit_code, 0) << unzipped.err;
  EXPECT_EQ(hashing::sha256_of(unzipped.out).str(), layer["diff_id"]);
  EXPECT_NE(layer["digest"], layer["diff_id"]);
}

TEST(MkimageTest, TextContentCompressesLikeText) {
  TempDir dir;
  fs::path out = dir.path() / "img";
  json image = json::parse(run_mkimage({"--format", "oci", "--out", out.string(), "--layers", "1",
                                        "--layer-size", "8M", "--content", "text"}));
  fs::path layer = blob(out, image["layers"][0]["digest"]);
  auto zipped = run_command({"gzip", "-6", "-c", layer.string()});
  ASSERT_EQ(zipped.exit_code, 0);
  double ratio = static_cast<double>(fs::file_size(layer)) / zipped.out.size();
  EXPECT_GT(ratio, 3.0);
  EXPECT_LT(ratio, 4.5);
  auto random = json::parse(run_mkimage({"--format", "oci", "--out", (dir.path() / "r").string(),
                                         "--layers", "1", "--layer-size", "1M"}));
  auto zipped_random =
      run_command({"gzip", "-c", blob(dir.path() / "r", random["layers"][0]["digest"]).string()});
  EXPECT_GT(zipped_random.out.size(), 1u << 20);  // random content does not compress
}

TEST(MkimageTest, DockerArchiveSharesTheFirstLayerBetweenImages) {
  TempDir dir;
  std::string archive = (dir.path() / "images.tar").string();
  json report = json::parse(run_mkimage({"--format", "docker-archive", "--out", archive, "--layers",
                                         "2", "--layer-size", "10K", "--images", "3"}));
  ASSERT_EQ(report["images"].size(), 3u);
  EXPECT_EQ(report["images"][0]["repo_tag"], "test/image-1:latest");
  EXPECT_EQ(report["images"][2]["repo_tag"], "test/image-3:latest");
  EXPECT_EQ(report["images"][0]["diff_ids"][0], report["images"][2]["diff_ids"][0]);
  EXPECT_NE(report["images"][0]["diff_ids"][1], report["images"][2]["diff_ids"][1]);

  auto listing = run_command({"tar", "-tf", archive});
  ASSERT_EQ(listing.exit_code, 0) << listing.err;
  std::string shared = report["images"][0]["layer_ids"][0];
  std::size_t first = listing.out.find(shared + "/layer.tar\n");
  EXPECT_NE(first, std::string::npos) << listing.out;
  EXPECT_EQ(listing.out.find(shared + "/layer.tar\n", first + 1), std::string::npos);
  for (const char* name : {"manifest.json\n", "repositories\n", "/VERSION\n", "/json\n"})
    EXPECT_NE(listing.out.find(name), std::string::npos) << name;

  auto manifest = run_command({"tar", "-xOf", archive, "manifest.json"});
  json entries = json::parse(manifest.out);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1]["RepoTags"][0], "test/image-2:latest");
  EXPECT_EQ(entries[1]["Layers"][0], shared + "/layer.tar");
  EXPECT_EQ(entries[1]["Config"],
            std::string(report["images"][1]["config_digest"]).substr(7) + ".json");

  auto inspect =
      run_command({"skopeo", "inspect", "docker-archive:" + archive + ":test/image-2:latest"});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_EQ(json::parse(inspect.out)["Layers"], report["images"][1]["diff_ids"]);
}

TEST(MkimageTest, LayerSizeTakesBinarySuffixes) {
  TempDir dir;
  fs::path out = dir.path() / "img";
  json image = json::parse(run_mkimage(
      {"--format", "oci", "--out", out.string(), "--layers", "1", "--layer-size", "3K"}));
  auto listing = run_command({"tar", "-tvf", blob(out, image["layers"][0]["digest"]).string()});
  EXPECT_EQ(listed_file_bytes(listing.out), 3u * 1024);
}

TEST(MkimageTest, RefusesOptionsThatDoNotFitTheFormat) {
  TempDir dir;
  std::string program = built_program("layerpush-mkimage").string();
  std::string out = (dir.path() / "x").string();
  EXPECT_EQ(run_command({program, "--format", "oci", "--out", out, "--images", "2"}).exit_code, 2);
  EXPECT_EQ(
      run_command({program, "--format", "docker-archive", "--out", out, "--gzip-layers"}).exit_code,
      2);
  EXPECT_EQ(
      run_command({program, "--format", "oci", "--out", out, "--layer-size", "12X"}).exit_code, 2);
  EXPECT_NE(run_command({program, "--format", "zip", "--out", out}).exit_code, 0);
  EXPECT_NE(run_command({program, "--format", "oci"}).exit_code, 0);
}

}  // namespace
}  // namespace layerpush::testing
