// Loads one image from a `docker save` archive (legacy layout with <id>/layer.tar, or the newer
// one with blobs/sha256/…; manifest.json describes both). Layers are streamed straight from their
// byte range inside the archive; uncompressed ones are gzip-compressed on the fly, as docker does.
#pragma once

#include <optional>
#include <string>

#include "engine/image/image.h"

namespace layerpush::engine {

// `selector` picks an image when the archive holds several: a repository tag as written in
// RepoTags ("app:1.0", normalized forms match too) or "@N" for the N-th image (from 0), as
// skopeo accepts. Throws engine::Error(kInput) for a malformed archive or an ambiguous choice.
Image load_docker_archive(const std::string& path, const std::optional<std::string>& selector);

}  // namespace layerpush::engine
