// Reads an image from a registry as a copy source (`layerpush copy docker://REF DST`): its
// manifest, and for an image index or Docker manifest list every child manifest (by digest),
// with every config and layer once. Blob bytes are not read here: each blob's recipe says where
// to GET it (a RemoteBlobSource), and the push engine streams it from there into the destination.
// load_registry_image() runs on the calling thread and returns when the manifests are read.
#pragma once

#include <vector>

#include "engine/image/image.h"
#include "engine/image/platform.h"
#include "engine/image/reference.h"
#include "engine/registry/registry_options.h"

namespace layerpush::engine {

// With `platforms` (not empty), an index keeps only the children whose platform one of them
// matches (engine/image/platform.h), in the index's order, and is rewritten to list only those:
// same media type and fields, so its digest changes. When every child matches, the index is kept
// byte for byte. A plain image manifest is copied whatever `platforms` says. Throws
// engine::Error: kRegistry for a missing manifest (naming host, repository and REF) or a
// refusal, kInput for a malformed or nested index or when no child matches.
Image load_registry_image(const Reference& source, const RegistryOptions& options,
                          const std::vector<Platform>& platforms);

}  // namespace layerpush::engine
