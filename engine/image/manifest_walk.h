// What an image manifest and an image index name, read the same way for every source (an OCI
// layout's files, another registry's GETs): descriptors' digests and platforms, whether a media
// type is an index, and the blobs of one image manifest added to an Image, each digest once.
// Pure functions over parsed JSON; safe from any thread.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/image/image.h"
#include "hashing/digest.h"

namespace layerpush::engine {

bool is_index_type(const std::string& media_type);

// A descriptor's digest; engine::Error(kInput) naming `where` when it is missing or malformed.
hashing::Digest descriptor_digest(const nlohmann::json& descriptor, const std::string& where);

// "linux/arm64/v8" from a descriptor's platform, or "" when it has none.
std::string platform_of(const nlohmann::json& descriptor);

// The media type of a manifest: its descriptor's, else the document's own, else OCI's.
std::string manifest_type_of(const nlohmann::json& descriptor, const nlohmann::json& manifest);

// Makes the ImageBlob of a config or layer descriptor; `role` names it in messages.
using BlobMaker = std::function<ImageBlob(const nlohmann::json& descriptor, std::string role)>;

// Adds the config and layers of `manifest` to the image's blobs, each digest once: images of
// one index share layers, and a shared blob is uploaded once. Throws engine::Error(kInput) for
// a manifest without config or layers.
void add_manifest_blobs(Image& image, const nlohmann::json& manifest, const hashing::Digest& digest,
                        const std::string& role_prefix, const BlobMaker& make_blob);

// The role prefix of a child's blobs: its platform, else its short digest.
std::string child_role_prefix(const std::string& platform, const hashing::Digest& digest);

}  // namespace layerpush::engine
