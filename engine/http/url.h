// URLs as the HTTP client uses them: an origin (scheme, host, port) to connect to, a target to
// put in the request line, and a Location resolved against the request that returned it, which
// may be relative or absolute and whose query (distribution's HMAC-signed _state) must be kept
// exactly as given. Pure functions; safe from any thread.
#pragma once

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
  // Path and query, as sent in the request line: "/v2/x/blobs/uploads/u?_state=…".
  std::string target;
  std::string str() const;
};

// Parses an absolute http(s) URL. Throws engine::Error(kRegistry) naming the text if invalid.
Url parse_url(std::string_view text);
// Resolves a Location header against the URL of the request that returned it (RFC 3986).
Url resolve_location(const Url& request_url, std::string_view location);

}  // namespace layerpush::engine
