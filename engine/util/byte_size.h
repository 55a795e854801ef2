// Sizes given on the command line: "1048576", "512K", "5M", "5MiB", "1G" (binary units; a "B"
// and an "i" are optional). Pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace layerpush::engine {

std::optional<std::uint64_t> parse_byte_size(std::string_view text);

}  // namespace layerpush::engine
