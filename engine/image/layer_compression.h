// Applies --compress and --compress-level to an image before it is pushed or written into an OCI
// layout: layers the source holds uncompressed (a docker-archive's plain tar layers, marked
// Encoding::kGzip by the loader and known by their diff_id) get the chosen encoding, level and
// media type. Layers already compressed (OCI layouts, gzip layers inside an archive, another
// registry's blobs) are sent as they are. zstd has no Docker schema 2 media type, so an image with
// zstd layers becomes an OCI image manifest (config application/vnd.oci.image.config.v1+json, every
// layer an OCI type).
#pragma once

#include "engine/compress/compression.h"
#include "engine/image/image.h"

namespace layerpush::engine {

void apply_compression(Image& image, const CompressionSettings& settings);

// The OCI name of a Docker media type (the same bytes, another manifest format); any other type
// is returned as it is.
std::string oci_media_type(const std::string& type);

}  // namespace layerpush::engine
