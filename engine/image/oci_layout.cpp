#include "engine/image/oci_layout.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "engine/image/file_range_source.h"
#include "engine/image/manifest_walk.h"
#include "engine/util/error.h"
#include "engine/util/file_bytes.h"
#include "engine/util/json_fields.h"
#include "hashing/sha256.h"

namespace layerpush::engine {
namespace {
using nlohmann::json;
constexpr const char* kRefName = "org.opencontainers.image.ref.name";

json parse_json(const std::string& bytes, const std::string& what) {
  auto doc = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object())
    throw Error(ErrorKind::kInput, what + " is not a JSON object");
  return doc;
}

std::string ref_name(const json& d) {
  return d.is_object() && d.contains("annotations") ? string_at(d["annotations"], kRefName)
                                                    : std::string();
}

const json& choose_manifest(const json& manifests, const std::optional<std::string>& selector,
                            const std::string& dir) {
  std::vector<const json*> matches;
  std::string names;
  for (const auto& d : manifests) {
    const std::string name = ref_name(d);
    if (!name.empty()) names += (names.empty() ? "" : ", ") + name;
    if (!selector || string_at(d, "digest") == *selector || name == *selector)
      matches.push_back(&d);
  }
  if (matches.size() == 1) return *matches.front();
  // A digest names one manifest even when the index lists it under several names.
  if (!matches.empty() && selector && selector->starts_with("sha256:")) return *matches.front();
  if (matches.empty() && selector)
    throw Error(ErrorKind::kInput, "oci:" + dir + " has no image named \"" + *selector +
                                       "\" (names: " + (names.empty() ? "none" : names) + ")");
  if (matches.empty()) throw Error(ErrorKind::kInput, "oci:" + dir + " lists no images");
  throw Error(ErrorKind::kInput, "oci:" + dir + " holds " + std::to_string(matches.size()) +
                                     " images; choose one with oci:" + dir +
                                     ":NAME (names: " + (names.empty() ? "none" : names) + ")");
}

std::uint64_t file_size_or_fail(const std::string& path, const hashing::Digest& digest) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw Error(ErrorKind::kInput, "blob " + digest.str() + " is missing: no file " + path);
  return static_cast<std::uint64_t>(st.st_size);
}

ImageBlob blob_from(const json& d, const std::string& dir, std::string role) {
  const auto digest = descriptor_digest(d, role);
  if (!d.contains("size") || !d["size"].is_number_unsigned())
    throw Error(ErrorKind::kInput, role + " descriptor has no size");
  const std::uint64_t size = d["size"].get<std::uint64_t>();
  const std::string path = dir + "/blobs/sha256/" + std::string(digest.hex());
  const std::uint64_t on_disk = file_size_or_fail(path, digest);
  if (on_disk != size)
    throw Error(ErrorKind::kCorrupt, "blob " + digest.str() + " is corrupt: expected " +
                                         std::to_string(size) + " bytes, the file has " +
                                         std::to_string(on_disk));
  ImageBlob blob;
  blob.role = std::move(role);
  blob.media_type = string_at(d, "mediaType");
  blob.recipe.source = file_range_source({path, 0, size});
  blob.digest = digest;
  blob.size = size;
  return blob;
}

// A manifest or index blob of the layout: its exact bytes, checked against the digest.
struct ManifestBlob {
  std::string bytes;
  json doc;
};
ManifestBlob read_manifest_blob(const std::string& dir, const hashing::Digest& digest) {
  std::string bytes = read_small_file(dir + "/blobs/sha256/" + std::string(digest.hex()));
  const auto actual = hashing::sha256_of(bytes);
  if (actual != digest)
    throw Error(ErrorKind::kCorrupt, "manifest " + digest.str() + " is corrupt: expected " +
                                         digest.str() + ", read " + actual.str());
  json doc = parse_json(bytes, "manifest " + digest.str());
  return {std::move(bytes), std::move(doc)};
}

// Blobs as files of the layout.
BlobMaker layout_blobs(const std::string& dir) {
  return [dir](const json& d, std::string role) { return blob_from(d, dir, std::move(role)); };
}

// The images an index lists, each manifest kept as exact bytes and pushed before the index.
void add_children(Image& image, const json& index, const hashing::Digest& index_digest,
                  const std::string& dir) {
  if (!index.contains("manifests") || !index["manifests"].is_array() || index["manifests"].empty())
    throw Error(ErrorKind::kInput, "index " + index_digest.str() + " lists no manifests");
  for (const auto& d : index["manifests"]) {
    const auto digest = descriptor_digest(d, "index " + index_digest.str());
    const std::string platform = platform_of(d);
    auto child = read_manifest_blob(dir, digest);
    const std::string media_type = manifest_type_of(d, child.doc);
    if (is_index_type(media_type))
      throw Error(ErrorKind::kInput, "index " + index_digest.str() + " nests another index (" +
                                         digest.str() + "); nested indexes are not supported");
    add_manifest_blobs(image, child.doc, digest, child_role_prefix(platform, digest),
                       layout_blobs(dir));
    image.children.push_back({digest, media_type, std::move(child.bytes), platform});
  }
}
}  // namespace

Image load_oci_layout(const std::string& dir, const std::optional<std::string>& selector) {
  struct stat st {};
  if (::stat((dir + "/oci-layout").c_str(), &st) != 0)
    throw Error(ErrorKind::kInput, dir + " is not an OCI image layout: it has no oci-layout file");
  const json index = parse_json(read_small_file(dir + "/index.json"), dir + "/index.json");
  if (!index.contains("manifests") || !index["manifests"].is_array())
    throw Error(ErrorKind::kInput, dir + "/index.json has no manifests list");
  const json& chosen = choose_manifest(index["manifests"], selector, dir);

  const auto manifest_digest = descriptor_digest(chosen, dir + "/index.json");
  auto manifest = read_manifest_blob(dir, manifest_digest);
  const std::string media_type = manifest_type_of(chosen, manifest.doc);

  Image image;
  image.source = "oci:" + dir + (selector ? ":" + *selector : "");
  image.manifest_media_type = media_type;
  const std::string name = ref_name(chosen);
  if (!name.empty()) image.source_tag = name;
  if (is_index_type(media_type))
    add_children(image, manifest.doc, manifest_digest, dir);
  else
    add_manifest_blobs(image, manifest.doc, manifest_digest, "", layout_blobs(dir));
  image.manifest_bytes = std::move(manifest.bytes);
  return image;
}

}  // namespace layerpush::engine
