// The responses the sink registry sends: every one carries Docker-Distribution-API-Version and
// a Content-Length; errors carry the OCI error body {"errors":[{"code","message","detail"}]}.
// Pure functions; safe from any thread.
#pragma once

#include <boost/beast/http.hpp>
#include <cstdint>
#include <string>

namespace layerpush::sink {

namespace http = boost::beast::http;
using Reply = http::response<http::string_body>;

// `status` with no body.
Reply empty_reply(http::status status);
// GET /v2/: 200 with "{}", as distribution answers.
Reply base_reply();
// `status` with the OCI error JSON, e.g. error_reply(404, "BLOB_UNKNOWN", "blob unknown").
Reply error_reply(http::status status, const std::string& code, const std::string& message);
// Where an upload stands: 202 (or `status`) with Location, Range "0-LAST" (distribution's "0-0"
// for nothing yet) and Docker-Upload-UUID.
Reply upload_reply(http::status status, const std::string& name, const std::string& uuid,
                   std::uint64_t offset);
// "/v2/NAME/blobs/uploads/UUID"
std::string upload_location(const std::string& name, const std::string& uuid);
// The Range value for `offset` bytes received: "0-(offset-1)", or "0-0" for none.
std::string upload_range(std::uint64_t offset);

}  // namespace layerpush::sink
