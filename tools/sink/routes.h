// Which registry endpoint a request target names, for the sink registry: the push half of the
// OCI distribution API (spec.md, "Endpoints"). Pure functions; safe from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace layerpush::sink {

enum class Endpoint {
  kBase,      // /v2/
  kBlob,      // /v2/NAME/blobs/DIGEST             (id: the digest, unchecked)
  kUploads,   // /v2/NAME/blobs/uploads/           (start an upload, or mount)
  kUpload,    // /v2/NAME/blobs/uploads/UUID       (id: the session)
  kManifest,  // /v2/NAME/manifests/REFERENCE      (id: tag or digest, unchecked)
};

struct Route {
  Endpoint endpoint = Endpoint::kBase;
  std::string name;  // repository, e.g. "x/y"; empty for kBase
  std::string id;
  std::map<std::string, std::string> query;  // percent-decoded; a repeated key keeps the last
};

// nullopt for a target outside /v2/, a malformed one, or a repository name that breaks the
// distribution grammar ("[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*" components joined by "/").
std::optional<Route> parse_route(std::string_view target);

// "START-END" (inclusive, as Content-Range carries it in uploads; "bytes " or "bytes=" prefix
// tolerated) to {START, END}; nullopt if malformed or END < START.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_content_range(std::string_view value);

}  // namespace layerpush::sink
