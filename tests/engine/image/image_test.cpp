// build_docker_manifest: a Docker schema 2 manifest from the image's blobs, config first.
#include "engine/image/image.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "hashing/sha256.h"

namespace layerpush::engine {
namespace {

using nlohmann::json;

ImageBlob blob(const std::string& role, const char* media_type, const std::string& content) {
  ImageBlob b;
  b.role = role;
  b.media_type = media_type;
  b.digest = hashing::sha256_of(content);
  b.size = content.size();
  return b;
}

Image three_layer_image() {
  Image image;
  image.source = "docker-archive:/tmp/x.tar";
  image.manifest_media_type = media_type::kDockerManifest;
  image.blobs.push_back(blob("config", media_type::kDockerConfig, "config bytes"));
  image.blobs.push_back(blob("layer 1", media_type::kDockerLayerGzip, "first layer"));
  image.blobs.push_back(blob("layer 2", media_type::kDockerLayerGzip, "second, longer layer"));
  image.blobs.push_back(blob("layer 3", "application/vnd.oci.image.layer.v1.tar+gzip", ""));
  return image;
}

void expect_descriptor(const json& d, const ImageBlob& b) {
  ASSERT_TRUE(d.is_object()) << d.dump();
  EXPECT_EQ(d.size(), 3u) << d.dump();
  EXPECT_EQ(d.at("mediaType"), b.media_type);
  EXPECT_EQ(d.at("digest"), b.digest->str());
  ASSERT_TRUE(d.at("size").is_number_unsigned()) << d.dump();
  EXPECT_EQ(d.at("size").get<std::uint64_t>(), *b.size);
}

TEST(BuildDockerManifestTest, HasSchemaMediaTypeConfigAndLayersInOrder) {
  const Image image = three_layer_image();
  const std::string text = build_docker_manifest(image);
  json manifest = json::parse(text);
  ASSERT_TRUE(manifest.is_object());
  EXPECT_EQ(manifest.size(), 4u) << text;
  EXPECT_EQ(manifest["schemaVersion"], 2);
  EXPECT_TRUE(manifest["schemaVersion"].is_number_integer());
  EXPECT_EQ(manifest["mediaType"], "application/vnd.docker.distribution.manifest.v2+json");
  expect_descriptor(manifest["config"], image.blobs[0]);
  ASSERT_TRUE(manifest["layers"].is_array());
  ASSERT_EQ(manifest["layers"].size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE("layer " + std::to_string(i + 1));
    expect_descriptor(manifest["layers"][i], image.blobs[i + 1]);
  }
}

TEST(BuildDockerManifestTest, KeyOrderIsStableAndTheTextReproducible) {
  const Image image = three_layer_image();
  const std::string text = build_docker_manifest(image);
  EXPECT_EQ(text, build_docker_manifest(image));
  // schemaVersion, mediaType, config, layers: the order docker writes.
  const auto schema = text.find("\"schemaVersion\"");
  const auto media = text.find("\"mediaType\"");
  const auto config = text.find("\"config\"");
  const auto layers = text.find("\"layers\"");
  ASSERT_NE(layers, std::string::npos);
  EXPECT_LT(schema, media);
  EXPECT_LT(media, config);
  EXPECT_LT(config, layers);
  // Layer digests appear in blob order.
  const auto first = text.find(image.blobs[1].digest->str());
  const auto second = text.find(image.blobs[2].digest->str());
  const auto third = text.find(image.blobs[3].digest->str());
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
  EXPECT_NE(third, std::string::npos);
}

TEST(BuildDockerManifestTest, LargeSizesAreWrittenExactly) {
  Image image = three_layer_image();
  image.blobs[1].size = 5'000'000'000ull;  // past 32 bits
  json manifest = json::parse(build_docker_manifest(image));
  EXPECT_EQ(manifest["layers"][0]["size"].get<std::uint64_t>(), 5'000'000'000ull);
}

TEST(BuildDockerManifestTest, ConfigOnlyGivesAnEmptyLayerList) {
  Image image;
  image.blobs.push_back(blob("config", media_type::kDockerConfig, "{}"));
  json manifest = json::parse(build_docker_manifest(image));
  expect_descriptor(manifest["config"], image.blobs[0]);
  ASSERT_TRUE(manifest["layers"].is_array());
  EXPECT_TRUE(manifest["layers"].empty());
}

TEST(BuildDockerManifestTest, MissingLayerDigestIsALogicError) {
  Image image = three_layer_image();
  image.blobs[2].digest.reset();
  try {
    build_docker_manifest(image);
    FAIL() << "a manifest was built without layer 2's digest";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("layer 2"), std::string::npos) << e.what();
  }
}

TEST(BuildDockerManifestTest, MissingConfigDigestOrSizeIsALogicError) {
  Image no_digest = three_layer_image();
  no_digest.blobs[0].digest.reset();
  EXPECT_THROW(build_docker_manifest(no_digest), std::logic_error);

  Image no_size = three_layer_image();
  no_size.blobs[3].size.reset();
  EXPECT_THROW(build_docker_manifest(no_size), std::logic_error);
}

TEST(BuildDockerManifestTest, NoBlobsAtAllThrows) {
  EXPECT_ANY_THROW(build_docker_manifest(Image{}));
}

}  // namespace
}  // namespace layerpush::engine
