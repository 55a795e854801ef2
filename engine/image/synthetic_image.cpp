#include "engine/image/synthetic_image.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "engine/image/synthetic_blob.h"

namespace layerpush::engine {
Image synthetic_image(std::uint64_t seed, int blobs, std::uint64_t size, int threads) {
  Image image;
  image.source = "synthetic:" + std::to_string(seed);
  image.manifest_media_type = media_type::kDockerManifest;
  image.blobs.resize(static_cast<std::size_t>(blobs) + 1);
  for (int i = 1; i <= blobs; ++i) {
    auto& layer = image.blobs[static_cast<std::size_t>(i)];
    layer.role = "layer " + std::to_string(i);
    layer.media_type = "application/vnd.docker.image.rootfs.diff.tar";
    layer.size = size;
  }
  std::atomic<std::size_t> next{1};
  auto hash_layers = [&] {
    for (std::size_t i = next++; i < image.blobs.size(); i = next++) {
      const auto layer_seed = seed + static_cast<std::uint64_t>(i);
      // Never stops early: the sink always takes more.
      const auto digest = SyntheticSource(layer_seed, size)
                              .read({}, [](std::span<const std::byte>) { return true; })
                              ->digest;
      image.blobs[i].digest = digest;
      image.blobs[i].recipe.source =
          std::make_shared<const SyntheticSource>(layer_seed, size, digest);
    }
  };
  std::vector<std::jthread> workers;
  for (int t = 0; t < std::clamp(threads, 1, blobs); ++t) workers.emplace_back(hash_layers);
  workers.clear();  // joins

  nlohmann::ordered_json config = {
      {"architecture", "amd64"},
      {"os", "linux"},
      {"config", {{"Labels", {{"layerpush.bench.seed", std::to_string(seed)}}}}},
      {"rootfs", {{"type", "layers"}, {"diff_ids", nlohmann::json::array()}}}};
  for (std::size_t i = 1; i < image.blobs.size(); ++i)
    config["rootfs"]["diff_ids"].push_back(image.blobs[i].digest->str());
  image.blobs[0] = inline_config_blob(std::make_shared<const std::string>(config.dump()));
  return image;
}

}  // namespace layerpush::engine
