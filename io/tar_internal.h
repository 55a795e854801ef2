// Internals of the tar index shared by its source files and reached by tests; not public API.
//
// Thread-safety: stateless functions, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace layerpush::io::detail {

inline constexpr std::uint64_t kTarBlock = 512;

// A numeric header field: octal digits (leading spaces, ending at a space or NUL; all NUL is 0)
// or GNU base-256 (high bit of the first byte set). Throws TarError naming `what` when the field
// is malformed, negative or does not fit in 64 bits.
std::uint64_t parse_tar_number(std::span<const std::byte> field, std::string_view what);

// What a pax 'x' header says about the member after it; only the keys the index uses.
struct PaxOverrides {
  std::optional<std::string> path;
  std::optional<std::string> linkpath;
  std::optional<std::uint64_t> size;
};
// Parses "LEN key=value\n" records into `out`. Throws TarError when a record is malformed.
void parse_pax_records(std::string_view data, PaxOverrides& out);

// Drops empty and "." components: "./a//b/" -> "a/b", "./" -> "". Keeps "..".
std::string normalize_tar_name(std::string_view name);

}  // namespace layerpush::io::detail
