// The distribution API's URL rules for blob uploads: the registry's base URL, the digest added
// to the final PUT, and the byte ranges of PATCH chunks (Content-Range without a unit, and the
// registry's "Range: 0-END" answer). Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/http/url.h"

namespace layerpush::engine {

// The registry's base URL for a reference's host: "https://host" or "http://host" when plain.
Url registry_base(std::string_view registry_host, bool plain_http);
// Adds "digest=D" to the target's query: "&digest=D" after an existing query, else "?digest=D";
// a target whose query already has a digest parameter is returned unchanged.
std::string with_digest(std::string_view target, std::string_view digest);

// The Content-Range of a PATCH carrying bytes [offset, offset + length): "START-END", inclusive,
// without the "bytes " prefix, as the distribution spec wants. length must be at least 1.
std::string content_range(std::uint64_t offset, std::uint64_t length);
// The end (inclusive) of a registry's "Range: 0-END" answer; nullopt if it is not of that form.
// distribution 2.8.2 answers "0-0" for both zero and one byte received.
std::optional<std::uint64_t> parse_range_end(std::string_view header);

}  // namespace layerpush::engine
