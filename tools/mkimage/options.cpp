#include "tools/mkimage/options.h"

#include <cctype>
#include <charconv>

namespace layerpush::mkimage {

std::optional<std::uint64_t> parse_size(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) return std::nullopt;
  std::string unit;
  for (const char* p = end; p != text.data() + text.size(); ++p)
    unit += static_cast<char>(std::toupper(static_cast<unsigned char>(*p)));
  int shift = 0;
  if (unit.empty() || unit == "B") {
    shift = 0;
  } else if (unit == "K" || unit == "KB" || unit == "KIB") {
    shift = 10;
  } else if (unit == "M" || unit == "MB" || unit == "MIB") {
    shift = 20;
  } else if (unit == "G" || unit == "GB" || unit == "GIB") {
    shift = 30;
  } else {
    return std::nullopt;
  }
  if (shift && value > (UINT64_MAX >> shift)) return std::nullopt;
  return value << shift;
}

void split_name(std::string_view name, std::string& repo, std::string& tag) {
  std::size_t colon = name.rfind(':');
  std::size_t slash = name.rfind('/');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash)) {
    repo = std::string(name);
    tag = "latest";
    return;
  }
  repo = std::string(name.substr(0, colon));
  tag = std::string(name.substr(colon + 1));
}

}  // namespace layerpush::mkimage
