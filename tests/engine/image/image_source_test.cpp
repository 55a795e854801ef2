// load_source over images written by layerpush-mkimage: OCI layouts (by tag, by digest, as a bare
// folder; ambiguous, corrupt and incomplete ones) and docker-archive files (one or several
// images, selectors, a bare file; files that are not archives).
#include "engine/image/image_source.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/image/inline_bytes_source.h"
#include "engine/util/error.h"
#include "engine/util/file_bytes.h"
#include "hashing/sha256.h"
#include "io/range_reader.h"
#include "tests/support/mkimage.h"
#include "tests/support/process.h"

namespace layerpush::engine {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kOciConfigType = "application/vnd.oci.image.config.v1+json";

// A digest as text (or "(none)"), so that a failed comparison prints readably.
std::string text(const hashing::Digest& d) { return d.str(); }
std::string text(const std::optional<hashing::Digest>& d) { return d ? d->str() : "(none)"; }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

fs::path blob_path(const fs::path& layout, const std::string& digest) {
  return layout / "blobs" / "sha256" / digest.substr(7);
}

// The engine::Error that load_source throws for `spec`; fails the test if it loads.
struct Failure {
  ErrorKind kind = ErrorKind::kUsage;
  std::string message;
};
Failure failure_of(const std::string& spec) {
  try {
    Image image = load_source(spec);
    ADD_FAILURE() << spec << " loaded, with " << image.blobs.size() << " blobs";
  } catch (const Error& e) {
    return {e.kind(), e.what()};
  }
  return {};
}

bool mentions(const std::string& message, const std::string& words) {
  return message.find(words) != std::string::npos;
}

// The file range a recipe reads; fails the test (null) when its source is not a file's range.
const FileRange* range_of(const BlobRecipe& recipe) {
  const FileRange* range = recipe.source ? recipe.source->in_file() : nullptr;
  EXPECT_TRUE(range) << "the recipe's source is not a file range";
  return range;
}

// The bytes of an inline source; fails the test (null) for any other.
const std::string* inline_bytes_of(const BlobRecipe& recipe) {
  const auto* source = dynamic_cast<const InlineBytesSource*>(recipe.source.get());
  EXPECT_TRUE(source) << "the recipe's source is not inline bytes";
  return source ? &source->bytes() : nullptr;
}

// Digest of the bytes a recipe produces, read the way a push reads them.
ProducedBlob produce(const BlobRecipe& recipe) {
  auto blob = produce_blob(recipe, {.backend = io::Backend::kPread},
                           [](std::span<const std::byte>) { return true; });
  if (!blob) throw std::logic_error("produce_blob stopped without being asked to");
  return *blob;
}

class OciSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    layout_ = tmp_.path() / "layout";
    report_ = json::parse(
        testing::run_mkimage({"--format", "oci", "--out", layout_.string(), "--layers", "3",
                              "--layer-size", "20K", "--seed", "11", "--name", "test/app:v1"}));
    ASSERT_EQ(report_["layers"].size(), 3u);
  }

  std::string manifest_digest() const { return report_["manifest_digest"]; }

  // Lists the manifest once more in index.json under another name.
  void add_index_entry(const std::string& name) {
    json index = json::parse(read_file(layout_ / "index.json"));
    json entry = index["manifests"][0];
    entry["annotations"]["org.opencontainers.image.ref.name"] = name;
    index["manifests"].push_back(entry);
    write_file(layout_ / "index.json", index.dump());
  }

  // Checks `image` against the generator's report.
  void expect_matches_report(const Image& image) {
    ASSERT_EQ(image.blobs.size(), 4u);
    EXPECT_EQ(image.manifest_media_type, media_type::kOciManifest);
    ASSERT_TRUE(image.manifest_bytes);
    EXPECT_EQ(hashing::sha256_of(*image.manifest_bytes).str(), manifest_digest());
    EXPECT_EQ(image.manifest_bytes->size(), report_["manifest_size"].get<std::size_t>());
    EXPECT_EQ(*image.manifest_bytes, read_file(blob_path(layout_, manifest_digest())));

    const ImageBlob& config = image.blobs[0];
    EXPECT_EQ(config.role, "config");
    EXPECT_EQ(config.media_type, kOciConfigType);
    ASSERT_TRUE(config.digest);
    EXPECT_EQ(config.digest->str(), report_["config_digest"]);
    const fs::path config_file = blob_path(layout_, report_["config_digest"]);
    EXPECT_EQ(config.size, fs::file_size(config_file));
    const FileRange* config_range = range_of(config.recipe);
    ASSERT_TRUE(config_range);
    EXPECT_EQ(config_range->path, config_file.string());
    EXPECT_EQ(config_range->offset, 0u);
    EXPECT_EQ(config_range->length, fs::file_size(config_file));
    EXPECT_EQ(config.recipe.encoding, Encoding::kAsStored);

    for (std::size_t i = 0; i < 3; ++i) {
      SCOPED_TRACE("layer " + std::to_string(i + 1));
      const json& expected = report_["layers"][i];
      const ImageBlob& layer = image.blobs[i + 1];
      EXPECT_EQ(layer.role, "layer " + std::to_string(i + 1));
      EXPECT_EQ(layer.media_type, expected["media_type"]);
      ASSERT_TRUE(layer.digest);
      EXPECT_EQ(layer.digest->str(), expected["digest"]);
      EXPECT_EQ(layer.size, expected["size"].get<std::uint64_t>());
      const FileRange* range = range_of(layer.recipe);
      ASSERT_TRUE(range);
      EXPECT_EQ(range->path, blob_path(layout_, expected["digest"]).string());
      EXPECT_EQ(range->offset, 0u);
      EXPECT_EQ(range->length, expected["size"].get<std::uint64_t>());
      EXPECT_EQ(layer.recipe.encoding, Encoding::kAsStored);
      EXPECT_FALSE(layer.expected_raw_digest);
    }
  }

  testing::TempDir tmp_;
  fs::path layout_;
  json report_;
};

TEST_F(OciSourceTest, ByTagGivesConfigLayersAndExactManifestBytes) {
  const Image image = load_source("oci:" + layout_.string() + ":v1");
  expect_matches_report(image);
  EXPECT_EQ(image.source, "oci:" + layout_.string() + ":v1");
  EXPECT_EQ(image.source_tag, "v1");
}

TEST_F(OciSourceTest, RecipesProduceTheDigestsTheManifestNames) {
  const Image image = load_source("oci:" + layout_.string() + ":v1");
  for (const auto& blob : image.blobs) {
    SCOPED_TRACE(blob.role);
    const ProducedBlob produced = produce(blob.recipe);
    EXPECT_EQ(text(produced.digest), text(blob.digest));
    EXPECT_EQ(produced.size, blob.size);
  }
}

TEST_F(OciSourceTest, ByDigest) {
  const std::string spec = "oci:" + layout_.string() + "@" + manifest_digest();
  const Image image = load_source(spec);
  expect_matches_report(image);
  EXPECT_EQ(image.source_tag, "v1");
}

TEST_F(OciSourceTest, WithoutSelectorTheOnlyImageIsChosen) {
  const Image image = load_source("oci:" + layout_.string());
  expect_matches_report(image);
  EXPECT_EQ(image.source, "oci:" + layout_.string());
  EXPECT_EQ(image.source_tag, "v1");
}

TEST_F(OciSourceTest, BareFolderIsDetectedAsOci) {
  const Image image = load_source(layout_.string());
  expect_matches_report(image);
  EXPECT_EQ(image.source, "oci:" + layout_.string());
}

TEST_F(OciSourceTest, GzipLayersAreListedWithTheirMediaType) {
  const fs::path gz = tmp_.path() / "gz";
  const json report =
      json::parse(testing::run_mkimage({"--format", "oci", "--out", gz.string(), "--layers", "2",
                                        "--layer-size", "10K", "--gzip-layers"}));
  const Image image = load_source("oci:" + gz.string() + ":latest");
  ASSERT_EQ(image.blobs.size(), 3u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(image.blobs[i + 1].media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
    EXPECT_EQ(image.blobs[i + 1].media_type, report["layers"][i]["media_type"]);
    EXPECT_EQ(image.blobs[i + 1].digest->str(), report["layers"][i]["digest"]);
    EXPECT_EQ(image.blobs[i + 1].recipe.encoding, Encoding::kAsStored);
  }
}

TEST_F(OciSourceTest, WrongTagNamesTheAvailableOnes) {
  const Failure f = failure_of("oci:" + layout_.string() + ":nope");
  EXPECT_EQ(f.kind, ErrorKind::kInput);
  EXPECT_TRUE(mentions(f.message, "\"nope\"")) << f.message;
  EXPECT_TRUE(mentions(f.message, "v1")) << f.message;
}

TEST_F(OciSourceTest, UnknownDigestIsAnInputError) {
  const std::string other = hashing::sha256_of(std::string_view("other")).str();
  const Failure f = failure_of("oci:" + layout_.string() + "@" + other);
  EXPECT_EQ(f.kind, ErrorKind::kInput);
  EXPECT_TRUE(mentions(f.message, other)) << f.message;
}

// Fields of the wrong type (a number where a string belongs, null annotations) are refused as
// bad input, like missing ones, never by an exception from inside the JSON library.
TEST_F(OciSourceTest, FieldsOfTheWrongTypeAreBadInput) {
  json index = json::parse(read_file(layout_ / "index.json"));
  index["manifests"][0]["annotations"] = nullptr;
  index["manifests"][0]["mediaType"] = 7;
  index["manifests"][0]["digest"] = 42;
  write_file(layout_ / "index.json", index.dump());
  const Failure f = failure_of("oci:" + layout_.string());
  EXPECT_EQ(f.kind, ErrorKind::kInput);
  EXPECT_TRUE(mentions(f.message, "has no algorithm")) << f.message;
}

TEST_F(OciSourceTest, TwoManifestsWithoutSelectorAreAmbiguous) {
  add_index_entry("other");
  for (const std::string& spec : {"oci:" + layout_.string(), layout_.string()}) {
    SCOPED_TRACE(spec);
    const Failure f = failure_of(spec);
    EXPECT_EQ(f.kind, ErrorKind::kInput);
    EXPECT_TRUE(mentions(f.message, "2 images")) << f.message;
    EXPECT_TRUE(mentions(f.message, "v1")) << f.message;
    EXPECT_TRUE(mentions(f.message, "other")) << f.message;
  }
}

TEST_F(OciSourceTest, TwoManifestsWithATagChooseThatOne) {
  add_index_entry("other");
  const Image other = load_source("oci:" + layout_.string() + ":other");
  expect_matches_report(other);
  EXPECT_EQ(other.source_tag, "other");
  const Image v1 = load_source("oci:" + layout_.string() + ":v1");
  EXPECT_EQ(v1.source_tag, "v1");
}

// Two names for the same manifest (as `skopeo copy` to oci:DIR:a and oci:DIR:b leaves them): the
// digest names exactly one manifest, so choosing by digest is not ambiguous.
TEST_F(OciSourceTest, DigestNamingOneManifestListedTwiceIsNotAmbiguous) {
  add_index_entry("other");
  const Image image = load_source("oci:" + layout_.string() + "@" + manifest_digest());
  expect_matches_report(image);
}

TEST_F(OciSourceTest, ChangedManifestBytesAreCorrupt) {
  const fs::path manifest = blob_path(layout_, manifest_digest());
  std::string bytes = read_file(manifest);
  bytes[bytes.size() / 2] ^= 0x01;  // same size, other bytes
  write_file(manifest, bytes);
  const Failure f = failure_of("oci:" + layout_.string() + ":v1");
  EXPECT_EQ(f.kind, ErrorKind::kCorrupt);
  EXPECT_TRUE(mentions(f.message, "is corrupt")) << f.message;
  EXPECT_TRUE(mentions(f.message, manifest_digest())) << f.message;
}

TEST_F(OciSourceTest, LayerFileOfAnotherSizeIsCorrupt) {
  const std::string digest = report_["layers"][1]["digest"];
  std::ofstream(blob_path(layout_, digest), std::ios::binary | std::ios::app) << "x";
  const Failure f = failure_of("oci:" + layout_.string() + ":v1");
  EXPECT_EQ(f.kind, ErrorKind::kCorrupt);
  EXPECT_TRUE(mentions(f.message, "is corrupt")) << f.message;
  EXPECT_TRUE(mentions(f.message, digest)) << f.message;
}

TEST_F(OciSourceTest, ShortConfigFileIsCorrupt) {
  const fs::path config = blob_path(layout_, report_["config_digest"]);
  fs::resize_file(config, fs::file_size(config) - 1);
  const Failure f = failure_of(layout_.string());
  EXPECT_EQ(f.kind, ErrorKind::kCorrupt);
  EXPECT_TRUE(mentions(f.message, "is corrupt")) << f.message;
}

TEST_F(OciSourceTest, MissingLayerFileIsAnInputError) {
  const std::string digest = report_["layers"][2]["digest"];
  fs::remove(blob_path(layout_, digest));
  const Failure f = failure_of("oci:" + layout_.string() + ":v1");
  EXPECT_EQ(f.kind, ErrorKind::kInput);
  EXPECT_TRUE(mentions(f.message, digest)) << f.message;
  EXPECT_TRUE(mentions(f.message, "missing")) << f.message;
}

TEST_F(OciSourceTest, MissingManifestFileIsAnInputError) {
  fs::remove(blob_path(layout_, manifest_digest()));
  EXPECT_EQ(failure_of("oci:" + layout_.string()).kind, ErrorKind::kInput);
}

TEST_F(OciSourceTest, MalformedIndexIsAnInputError) {
  write_file(layout_ / "index.json", "{ not json");
  EXPECT_EQ(failure_of("oci:" + layout_.string()).kind, ErrorKind::kInput);
  write_file(layout_ / "index.json", R"({"schemaVersion":2})");
  EXPECT_EQ(failure_of("oci:" + layout_.string()).kind, ErrorKind::kInput);
  write_file(layout_ / "index.json", R"({"schemaVersion":2,"manifests":[]})");
  EXPECT_EQ(failure_of("oci:" + layout_.string()).kind, ErrorKind::kInput);
}

TEST_F(OciSourceTest, FolderWithoutOciLayoutFileIsAnInputError) {
  fs::remove(layout_ / "oci-layout");
  for (const std::string& spec : {"oci:" + layout_.string(), layout_.string()}) {
    SCOPED_TRACE(spec);
    const Failure f = failure_of(spec);
    EXPECT_EQ(f.kind, ErrorKind::kInput);
    EXPECT_TRUE(mentions(f.message, "oci-layout")) << f.message;
  }
}

class DockerArchiveSourceTest : public ::testing::Test {
 protected:
  json make_archive(const fs::path& file, int images) {
    return json::parse(testing::run_mkimage(
        {"--format", "docker-archive", "--out", file.string(), "--layers", "3", "--layer-size",
         "20K", "--seed", "5", "--name", "test/app:v2", "--images", std::to_string(images)}));
  }

  // Checks `image` against image `report` of the generator, from archive `file`.
  void expect_matches_report(const Image& image, const json& report, const fs::path& file) {
    ASSERT_EQ(image.blobs.size(), 4u);
    EXPECT_EQ(image.manifest_media_type, media_type::kDockerManifest);
    EXPECT_FALSE(image.manifest_bytes) << "a docker-archive manifest is built after the push";

    const ImageBlob& config = image.blobs[0];
    EXPECT_EQ(config.role, "config");
    EXPECT_EQ(config.media_type, media_type::kDockerConfig);
    const std::string* inline_config = inline_bytes_of(config.recipe);
    ASSERT_TRUE(inline_config);
    EXPECT_EQ(config.recipe.encoding, Encoding::kAsStored);
    const std::string& config_bytes = *inline_config;
    EXPECT_EQ(hashing::sha256_of(config_bytes).str(), report["config_digest"]);
    ASSERT_TRUE(config.digest);
    EXPECT_EQ(config.digest->str(), report["config_digest"]);
    EXPECT_EQ(config.size, config_bytes.size());
    EXPECT_EQ(config.recipe.stored_length(), config_bytes.size());
    EXPECT_EQ(json::parse(config_bytes)["rootfs"]["diff_ids"], report["diff_ids"]);

    ASSERT_EQ(report["diff_ids"].size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
      SCOPED_TRACE("layer " + std::to_string(i + 1));
      const ImageBlob& layer = image.blobs[i + 1];
      EXPECT_EQ(layer.role, "layer " + std::to_string(i + 1));
      EXPECT_EQ(layer.media_type, media_type::kDockerLayerGzip);
      EXPECT_EQ(layer.recipe.encoding, Encoding::kGzip);
      const FileRange* range = range_of(layer.recipe);
      ASSERT_TRUE(range);
      EXPECT_EQ(range->path, file.string());
      EXPECT_FALSE(layer.digest) << "known only once the layer is compressed";
      EXPECT_FALSE(layer.size);
      ASSERT_TRUE(layer.expected_raw_digest);
      EXPECT_EQ(layer.expected_raw_digest->str(), report["diff_ids"][i]);
      // The recipe's range is the layer tar itself.
      const std::string tar = read_file_range(file.string(), range->offset, range->length);
      EXPECT_EQ(hashing::sha256_of(tar).str(), report["diff_ids"][i]);
    }
  }

  testing::TempDir tmp_;
};

TEST_F(DockerArchiveSourceTest, GivesInlineConfigAndLayersToCompress) {
  const fs::path file = tmp_.path() / "image.tar";
  const json report = make_archive(file, 1);
  const Image image = load_source("docker-archive:" + file.string());
  expect_matches_report(image, report["images"][0], file);
  EXPECT_EQ(image.source, "docker-archive:" + file.string());
  EXPECT_EQ(image.source_tag, "v2");
}

TEST_F(DockerArchiveSourceTest, CompressedLayersHaveTheExpectedDiffIds) {
  const fs::path file = tmp_.path() / "image.tar";
  make_archive(file, 1);
  const Image image = load_source("docker-archive:" + file.string());
  ASSERT_EQ(image.blobs.size(), 4u);
  for (std::size_t i = 1; i < image.blobs.size(); ++i) {
    SCOPED_TRACE(image.blobs[i].role);
    const ProducedBlob produced = produce(image.blobs[i].recipe);
    EXPECT_EQ(text(produced.raw_digest), text(image.blobs[i].expected_raw_digest));
    EXPECT_NE(text(produced.digest), text(produced.raw_digest));
  }
  const ProducedBlob config = produce(image.blobs[0].recipe);
  EXPECT_EQ(text(config.digest), text(image.blobs[0].digest));
}

TEST_F(DockerArchiveSourceTest, BareFileIsDetectedAsDockerArchive) {
  const fs::path file = tmp_.path() / "image.tar";
  const json report = make_archive(file, 1);
  const Image image = load_source(file.string());
  expect_matches_report(image, report["images"][0], file);
  EXPECT_EQ(image.source, "docker-archive:" + file.string());
}

TEST_F(DockerArchiveSourceTest, SeveralImagesNeedASelectorNamingTheTags) {
  const fs::path file = tmp_.path() / "two.tar";
  make_archive(file, 2);
  for (const std::string& spec : {"docker-archive:" + file.string(), file.string()}) {
    SCOPED_TRACE(spec);
    const Failure f = failure_of(spec);
    EXPECT_EQ(f.kind, ErrorKind::kInput);
    EXPECT_TRUE(mentions(f.message, "test/app-1:v2")) << f.message;
    EXPECT_TRUE(mentions(f.message, "test/app-2:v2")) << f.message;
  }
}

TEST_F(DockerArchiveSourceTest, SelectorByTagAndByIndex) {
  const fs::path file = tmp_.path() / "two.tar";
  const json report = make_archive(file, 2);
  const std::string base = "docker-archive:" + file.string();

  const Image by_tag = load_source(base + ":test/app-2:v2");
  expect_matches_report(by_tag, report["images"][1], file);
  EXPECT_EQ(by_tag.source, base + ":test/app-2:v2");
  const Image by_index = load_source(base + ":@1");
  expect_matches_report(by_index, report["images"][1], file);
  const Image first = load_source(base + ":@0");
  expect_matches_report(first, report["images"][0], file);
  const Image normalized = load_source(base + ":docker.io/test/app-1:v2");
  expect_matches_report(normalized, report["images"][0], file);

  // Layer 0 is shared: both images read it from the same place in the archive.
  EXPECT_EQ(range_of(first.blobs[1].recipe)->offset, range_of(by_index.blobs[1].recipe)->offset);
  EXPECT_EQ(text(first.blobs[1].expected_raw_digest), text(by_index.blobs[1].expected_raw_digest));
  EXPECT_NE(text(first.blobs[2].expected_raw_digest), text(by_index.blobs[2].expected_raw_digest));
  EXPECT_NE(text(first.blobs[0].digest), text(by_index.blobs[0].digest));
}

TEST_F(DockerArchiveSourceTest, UnknownSelectorsAreInputErrors) {
  const fs::path file = tmp_.path() / "two.tar";
  make_archive(file, 2);
  const std::string base = "docker-archive:" + file.string();
  const Failure tag = failure_of(base + ":test/app-3:v2");
  EXPECT_EQ(tag.kind, ErrorKind::kInput);
  EXPECT_TRUE(mentions(tag.message, "test/app-1:v2")) << tag.message;
  for (const char* selector : {":@2", ":@", ":@x", ":@-1", ":@99999999999"}) {
    SCOPED_TRACE(selector);
    EXPECT_EQ(failure_of(base + selector).kind, ErrorKind::kInput);
  }
}

TEST_F(DockerArchiveSourceTest, FileThatIsNotATarIsAnInputError) {
  const fs::path text = tmp_.path() / "notes.txt";
  write_file(text, "this is not a tar archive\n");
  const fs::path noise = tmp_.path() / "noise.bin";
  std::string bytes(4096, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 37 + 11);
  write_file(noise, bytes);
  for (const std::string& spec : {text.string(), "docker-archive:" + text.string(), noise.string(),
                                  "docker-archive:" + noise.string()}) {
    SCOPED_TRACE(spec);
    const Failure f = failure_of(spec);
    EXPECT_EQ(f.kind, ErrorKind::kInput);
    EXPECT_FALSE(f.message.empty());
  }
}

TEST_F(DockerArchiveSourceTest, TarWithoutManifestIsAnInputError) {
  const fs::path layout = tmp_.path() / "layout";
  const json report = json::parse(testing::run_mkimage(
      {"--format", "oci", "--out", layout.string(), "--layers", "1", "--layer-size", "1K"}));
  // An OCI layer blob is a valid tar, but not a docker-archive.
  const fs::path layer = blob_path(layout, report["layers"][0]["digest"]);
  const Failure f = failure_of("docker-archive:" + layer.string());
  EXPECT_EQ(f.kind, ErrorKind::kInput);
  EXPECT_TRUE(mentions(f.message, "manifest.json")) << f.message;
}

TEST_F(DockerArchiveSourceTest, MissingPathsAreInputErrors) {
  const std::string missing = (tmp_.path() / "missing.tar").string();
  const Failure bare = failure_of(missing);
  EXPECT_EQ(bare.kind, ErrorKind::kInput);
  EXPECT_TRUE(mentions(bare.message, "does not exist")) << bare.message;
  EXPECT_TRUE(mentions(bare.message, missing)) << bare.message;

  const Failure archive = failure_of("docker-archive:" + missing);
  EXPECT_EQ(archive.kind, ErrorKind::kInput);
  EXPECT_TRUE(mentions(archive.message, missing)) << archive.message;

  EXPECT_EQ(failure_of("oci:" + (tmp_.path() / "no-layout").string()).kind, ErrorKind::kInput);
}

TEST(ImageSourceTest, RegistryTransportsAreNotSources) {
  for (const char* spec :
       {"docker://registry.example.com/app:1", "docker:app", "https://example.com/x.tar"}) {
    SCOPED_TRACE(spec);
    const Failure f = failure_of(spec);
    EXPECT_EQ(f.kind, ErrorKind::kInput);
    EXPECT_TRUE(mentions(f.message, "not supported")) << f.message;
  }
}

}  // namespace
}  // namespace layerpush::engine
