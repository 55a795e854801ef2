// Reading the access log of docker-registry 2.8.2. Besides its logrus lines (`time="…"
// level=info msg="response completed" …`) it writes one Apache combined-format line per request
// when the response is done, observed as (one line):
//   127.0.0.1 - - [27/Nov/2026:08:05:52 +0000] "POST /v2/foo/blobs/uploads/ HTTP/1.1" 202 0
//   "" "curl/7.88.1"
// that is HOST - USER [DATE] "METHOD URI PROTO" STATUS BYTES "REFERER" "USER-AGENT".
// Only those lines are parsed. Pure functions; safe from any thread.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "tests/support/registry.h"

namespace layerpush::testing {

// The request on one access-log line, or nullopt for any other line.
std::optional<LoggedRequest> parse_access_log_line(std::string_view line);
// Every request in `text`, ignoring an unfinished last line (the registry may be writing it).
std::vector<LoggedRequest> parse_access_log(std::string_view text);
// Offset just past the last complete line of `text`.
std::size_t complete_lines_end(std::string_view text);
// The replay that LocalRegistry::max_open_uploads documents.
int max_open_uploads(const std::vector<LoggedRequest>& requests);

}  // namespace layerpush::testing
