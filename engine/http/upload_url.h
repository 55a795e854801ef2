// URL handling for blob uploads: registries answer with a Location that may be relative or
// absolute and whose query (distribution's HMAC-signed _state) must be kept exactly as given.
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layerpush::engine {

// Redirects followed for one request before it is taken for a loop: as many as browsers and
// Go's http.Client follow.
inline constexpr int kMaxRedirects = 10;

struct Origin {
  std::string scheme;  // "http" or "https"
  std::string host;    // "127.0.0.1", "::1" (no brackets), "registry.example.com"
  std::string port;    // always set: "80"/"443" when the URL names none
  bool operator==(const Origin&) const = default;
  // "host:port" as written in a Host header (brackets for IPv6, default ports left out).
  std::string host_header() const;
};

struct Url {
  Origin origin;
  std::string target;  // path and query, as sent in the request line: "/v2/x/blobs/uploads/u?_state=…"
  std::string str() const;
};

// The registry's base URL for a reference's host: "https://host" or "http://host" when plain.
Url registry_base(std::string_view registry_host, bool plain_http);
// Parses an absolute http(s) URL. Throws engine::Error(kRegistry) naming the text if invalid.
Url parse_url(std::string_view text);
// Resolves a Location header against the URL of the request that returned it (RFC 3986).
Url resolve_location(const Url& request_url, std::string_view location);
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
