// Loopback networking for LocalRegistry: finding a free port and a bare HTTP/1.1 GET, enough to
// ask a registry whether it is up without pulling an HTTP library into every test program.
// Stateless; safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace layerpush::testing {

// A port that was free a moment ago: bound on 127.0.0.1:0, read back, and closed. Another
// process may take it before the caller binds it, so callers must retry on "address in use".
std::uint16_t free_loopback_port();

// Sends `GET path` to 127.0.0.1:port and returns the response's status code, or -1 if the
// connection fails or no status line arrives within `timeout_ms`.
int http_get_status(std::uint16_t port, std::string_view path, int timeout_ms = 1000);

}  // namespace layerpush::testing
