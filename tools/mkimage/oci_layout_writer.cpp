// OCI image layout: oci-layout, index.json, and blobs/sha256/<hex> for every layer, the config
// and the manifest. Layers stream through the hashers into a temporary file that is renamed to
// its digest once that is known.
#include <nlohmann/json.hpp>

#include "tools/mkimage/gzip_sink.h"
#include "tools/mkimage/image_json.h"
#include "tools/mkimage/layer.h"
#include "tools/mkimage/writers.h"

namespace layerpush::mkimage {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct LayerBlob {
  Descriptor descriptor;
  hashing::Digest diff_id;
};

LayerBlob write_layer_blob(const LayerSpec& spec, const fs::path& blobs, bool gzip) {
  fs::path temp = blobs / (".partial-layer-" + std::to_string(spec.index));
  FileSink file(temp);
  HashingSink stored(file);  // what the blob holds: digest and size
  if (gzip) {
    GzipSink compress(stored);
    HashingSink uncompressed(compress);
    write_layer_tar(spec, uncompressed);
    compress.finish();
    hashing::Digest digest = stored.finish();
    file.close();
    fs::rename(temp, blobs / std::string(digest.hex()));
    return {{kOciGzipLayerType, digest, stored.size()}, uncompressed.finish()};
  }
  write_layer_tar(spec, stored);
  hashing::Digest digest = stored.finish();
  file.close();
  fs::rename(temp, blobs / std::string(digest.hex()));
  return {{kOciLayerType, digest, stored.size()}, digest};
}

Descriptor write_json_blob(const fs::path& blobs, const char* media_type, const std::string& json) {
  Descriptor d{media_type, hashing::sha256_of(json), json.size()};
  write_file(blobs / std::string(d.digest.hex()), json);
  return d;
}

// Writes one image's layers, config and manifest; returns the manifest's descriptor and adds
// the image's report (manifest, config and layer digests) to `report`. Image `k` of a
// multi-platform layout shares layer 0 with image 0 and differs in the others.
Descriptor write_image(const Options& options, const fs::path& blobs, std::uint32_t k,
                       const Platform& platform, Json& report) {
  std::vector<Descriptor> layers;
  std::vector<hashing::Digest> diff_ids;
  std::vector<std::string> history;
  Json report_layers = Json::array();
  for (std::uint32_t i = 0; i < options.layers; ++i) {
    LayerSpec spec{options.content, options.seed_of_layer(i), i == 0 ? 0 : k, i, options.layer_size};
    LayerBlob blob = write_layer_blob(spec, blobs, options.gzip_layers);
    layers.push_back(blob.descriptor);
    diff_ids.push_back(blob.diff_id);
    history.push_back("layerpush-mkimage " + spec.describe());
    report_layers.push_back(Json{{"digest", blob.descriptor.digest.str()},
                                 {"size", blob.descriptor.size},
                                 {"diff_id", blob.diff_id.str()},
                                 {"media_type", blob.descriptor.media_type}});
  }
  Descriptor config =
      write_json_blob(blobs, kOciConfigType, image_config_json(diff_ids, history, platform));
  Descriptor manifest = write_json_blob(blobs, kOciManifestType, oci_manifest_json(config, layers));
  report["manifest_digest"] = manifest.digest.str();
  report["manifest_size"] = manifest.size;
  report["config_digest"] = config.digest.str();
  report["layers"] = report_layers;
  return manifest;
}

}  // namespace

std::string write_oci_layout(const Options& options) {
  const fs::path blobs = options.out / "blobs" / "sha256";
  fs::create_directories(blobs);
  write_file(options.out / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  Json report = Json::object();
  if (options.platforms.empty()) {
    Descriptor manifest = write_image(options, blobs, 0, Platform{}, report);
    write_file(options.out / "index.json", oci_index_json(manifest, options.tag));
    return report.dump();
  }
  // One image per platform under an image index, which index.json names by the tag.
  std::vector<std::pair<Descriptor, Platform>> children;
  Json images = Json::array();
  for (std::uint32_t k = 0; k < options.platforms.size(); ++k) {
    const Platform platform = parse_platform(options.platforms[k]);
    Json image{{"platform", options.platforms[k]}};
    children.emplace_back(write_image(options, blobs, k, platform, image), platform);
    images.push_back(image);
  }
  Descriptor index = write_json_blob(blobs, kOciIndexType, oci_platform_index_json(children));
  write_file(options.out / "index.json", oci_index_json(index, options.tag));
  report["manifest_digest"] = index.digest.str();
  report["manifest_size"] = index.size;
  report["images"] = images;
  return report.dump();
}

}  // namespace layerpush::mkimage
