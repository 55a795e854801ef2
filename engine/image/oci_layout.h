// Loads one image from an OCI image layout folder (oci-layout, index.json, blobs/sha256/...).
#pragma once

#include <optional>
#include <string>

#include "engine/image/image.h"

namespace layerpush::engine {

// `selector` is a tag (matched against the org.opencontainers.image.ref.name annotation) or a
// "sha256:…" digest; without one, the index must list exactly one manifest. Checks that the
// manifest's bytes match the index's digest and that every blob file exists with the size the
// manifest gives; blob contents are checked while they stream. Throws engine::Error: kInput for
// a missing or malformed layout or an ambiguous choice, kCorrupt for bytes that do not match.
Image load_oci_layout(const std::string& dir, const std::optional<std::string>& selector);

}  // namespace layerpush::engine
