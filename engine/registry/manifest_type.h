// How a manifest's media type travels when layerpush reads a manifest from a registry: the Accept
// header that asks for every manifest and index type it can put back unchanged, and the type of
// an answer, from its Content-Type or, when a registry sends none, the manifest's own mediaType.
// Pure functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace layerpush::engine {

// "application/vnd.oci.image.manifest.v1+json, …": OCI and Docker manifests and indexes. A GET
// that lists only Docker types gets 404 for an OCI manifest on distribution 2.8.2, and one that
// lists no index type may be answered with one platform's manifest instead of the index.
const std::string& manifest_accept();

// The media type to PUT `bytes` back with: the Content-Type without parameters or surrounding
// white space ("application/vnd.oci.image.manifest.v1+json; charset=utf-8" -> the type), else
// the JSON document's top-level "mediaType", else "" (neither says).
std::string manifest_media_type(std::string_view content_type, std::string_view bytes);

}  // namespace layerpush::engine
