// Turns a registry's error response into one readable clause. Registries answer
// {"errors":[{"code","message","detail"}]}, but proxies in front of them answer HTML or nothing.
#pragma once

#include <string>
#include <string_view>

namespace layerpush::engine {

// e.g. "400 Bad Request (DIGEST_INVALID: provided digest did not match uploaded content)".
std::string describe_error_response(unsigned status, std::string_view reason,
                                    std::string_view body);
// The first error code in the body ("MANIFEST_BLOB_UNKNOWN"), or empty.
std::string first_error_code(std::string_view body);

}  // namespace layerpush::engine
