#include "engine/http/resume_range.h"

#include <charconv>

namespace layerpush::engine {
namespace {
// Reads decimal digits up to `stop` (or the end); nullopt if there are none or others follow.
std::optional<std::uint64_t> number_before(std::string_view& text, char stop) {
  const auto end = text.find(stop);
  const std::string_view digits = text.substr(0, end);
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size())
    return std::nullopt;
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return value;
}
}  // namespace

std::string range_from(std::uint64_t offset) { return "bytes=" + std::to_string(offset) + "-"; }

std::optional<ContentRange> parse_content_range(std::string_view header) {
  if (!header.starts_with("bytes ")) return std::nullopt;
  header.remove_prefix(6);
  if (header.find('-') == std::string_view::npos || header.find('/') == std::string_view::npos)
    return std::nullopt;
  ContentRange range;
  const auto first = number_before(header, '-');
  const auto last = number_before(header, '/');
  if (!first || !last || *last < *first) return std::nullopt;
  range.first = *first;
  range.last = *last;
  if (header == "*") return range;
  range.total = number_before(header, '\0');
  if (!range.total || *range.total <= range.last) return std::nullopt;
  return range;
}

std::optional<std::uint64_t> bytes_to_skip(std::uint64_t offset, unsigned status,
                                           std::string_view content_range) {
  if (status == 200) return offset;
  if (status != 206 || offset == 0) return std::nullopt;
  const auto range = parse_content_range(content_range);
  if (!range || range->first != offset) return std::nullopt;
  return 0;
}

}  // namespace layerpush::engine
