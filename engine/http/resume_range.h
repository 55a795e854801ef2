// Resuming a blob GET that broke off part way: the request asks for the rest with
// `Range: bytes=N-`, and the answer is checked to continue exactly at N (206 with a matching
// Content-Range) or is the whole blob again (200, a server that ignores ranges), whose first N
// bytes the caller then drops. Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layerpush::engine {

// "bytes=N-": everything from byte N (0-based) on.
std::string range_from(std::uint64_t offset);

// A Content-Range header of a 206 answer: "bytes FIRST-LAST/TOTAL" ("*" for an unknown total).
struct ContentRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
  std::optional<std::uint64_t> total;
};
// Nullopt for anything else (another unit, "bytes */TOTAL", LAST before FIRST, garbage).
std::optional<ContentRange> parse_content_range(std::string_view header);

// How many leading body bytes of an answer to a GET for bytes `offset`- repeat bytes the caller
// already has: `offset` for a 200 (the whole blob), 0 for a 206 whose Content-Range starts at
// `offset`. Nullopt when the answer does not continue at `offset` (another range, a 206
// without a usable Content-Range, a 206 to a request without Range), so it must not be used.
std::optional<std::uint64_t> bytes_to_skip(std::uint64_t offset, unsigned status,
                                           std::string_view content_range);

}  // namespace layerpush::engine
