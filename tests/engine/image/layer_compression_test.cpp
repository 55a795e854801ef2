// apply_compression: which layers --compress changes (only those the source holds uncompressed),
// their encodings and media types, and the OCI manifest zstd needs.
#include "engine/image/layer_compression.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/image/file_range_source.h"
#include "hashing/sha256.h"

namespace layerpush::engine {
namespace {

// A docker-archive image as the loader makes it: a config, one plain tar layer to compress on
// the fly and one layer stored gzip-compressed.
Image archive_image() {
  Image image;
  image.manifest_media_type = media_type::kDockerManifest;
  ImageBlob config;
  config.role = "config";
  config.media_type = media_type::kDockerConfig;
  config.digest = hashing::sha256_of("{}");
  config.size = 2;
  image.blobs.push_back(config);
  ImageBlob tar;
  tar.role = "layer 1";
  tar.media_type = media_type::kDockerLayerGzip;
  tar.recipe.encoding = Encoding::kGzip;
  tar.recipe.source = file_range_source({"archive.tar", 512, 3072});
  tar.expected_raw_digest = hashing::sha256_of("tar");
  image.blobs.push_back(tar);
  ImageBlob stored_gzip;
  stored_gzip.role = "layer 2";
  stored_gzip.media_type = media_type::kDockerLayerGzip;
  image.blobs.push_back(stored_gzip);
  return image;
}

TEST(LayerCompressionTest, GzipKeepsTheDockerManifestAndSetsTheLevel) {
  auto image = archive_image();
  apply_compression(image, {Compression::kGzip, 3});
  EXPECT_EQ(image.manifest_media_type, media_type::kDockerManifest);
  EXPECT_EQ(image.blobs[1].recipe.encoding, Encoding::kGzip);
  EXPECT_EQ(image.blobs[1].recipe.level, 3);
  EXPECT_EQ(image.blobs[1].media_type, media_type::kDockerLayerGzip);
  EXPECT_EQ(image.blobs[2].recipe.encoding, Encoding::kAsStored);
}

TEST(LayerCompressionTest, ZstdMakesAnOciManifestWithOciTypesEverywhere) {
  auto image = archive_image();
  apply_compression(image, {Compression::kZstd, 5});
  EXPECT_EQ(image.manifest_media_type, media_type::kOciManifest);
  EXPECT_EQ(image.blobs[0].media_type, media_type::kOciConfig);
  EXPECT_EQ(image.blobs[1].recipe.encoding, Encoding::kZstd);
  EXPECT_EQ(image.blobs[1].recipe.level, 5);
  EXPECT_EQ(image.blobs[1].media_type, media_type::kOciLayerZstd);
  // The layer the archive stored gzip-compressed is sent as it is, under its OCI name.
  EXPECT_EQ(image.blobs[2].recipe.encoding, Encoding::kAsStored);
  EXPECT_EQ(image.blobs[2].media_type, media_type::kOciLayerGzip);
  image.blobs[1].digest = hashing::sha256_of("zst");
  image.blobs[1].size = 3;
  image.blobs[2].digest = hashing::sha256_of("gz");
  image.blobs[2].size = 2;
  const auto manifest = nlohmann::json::parse(build_docker_manifest(image));
  EXPECT_EQ(manifest["mediaType"], media_type::kOciManifest);
  EXPECT_EQ(manifest["config"]["mediaType"], media_type::kOciConfig);
}

TEST(LayerCompressionTest, NoneSendsTheTarWithItsDiffIdAsDigest) {
  auto image = archive_image();
  apply_compression(image, {Compression::kNone, 0});
  EXPECT_EQ(image.manifest_media_type, media_type::kDockerManifest);
  EXPECT_EQ(image.blobs[1].recipe.encoding, Encoding::kAsStored);
  EXPECT_EQ(image.blobs[1].media_type, media_type::kDockerLayerTar);
  ASSERT_TRUE(image.blobs[1].digest);
  EXPECT_EQ(*image.blobs[1].digest, hashing::sha256_of("tar"));
  EXPECT_EQ(image.blobs[1].size, 3072u);
}

TEST(LayerCompressionTest, OciSourcesAreLeftAsTheyAre) {
  Image image;
  image.manifest_media_type = media_type::kOciManifest;
  image.manifest_bytes = "{}";
  ImageBlob layer;
  layer.media_type = media_type::kOciLayerGzip;
  layer.digest = hashing::sha256_of("x");
  image.blobs.push_back(layer);
  apply_compression(image, {Compression::kZstd, 3});
  EXPECT_EQ(image.blobs[0].media_type, media_type::kOciLayerGzip);
  EXPECT_EQ(image.blobs[0].recipe.encoding, Encoding::kAsStored);
  EXPECT_EQ(image.manifest_bytes, "{}");
}

}  // namespace
}  // namespace layerpush::engine
