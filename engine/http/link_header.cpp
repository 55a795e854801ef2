#include "engine/http/link_header.h"

#include <algorithm>
#include <cctype>

namespace layerpush::engine {
namespace {
std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

// `; rel="next"` among a link's parameters; rel may hold several space-separated types.
bool has_next_rel(std::string_view params) {
  while (!params.empty()) {
    const auto semicolon = params.find(';');
    const auto param = trim(params.substr(0, semicolon));
    params = semicolon == std::string_view::npos ? std::string_view{} : params.substr(semicolon + 1);
    const auto equals = param.find('=');
    if (equals == std::string_view::npos || !equals_ignoring_case(trim(param.substr(0, equals)), "rel"))
      continue;
    auto value = trim(param.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    while (!value.empty()) {
      const auto space = value.find(' ');
      if (equals_ignoring_case(value.substr(0, space), "next")) return true;
      value = space == std::string_view::npos ? std::string_view{} : trim(value.substr(space));
    }
  }
  return false;
}
}  // namespace

std::optional<std::string> next_link(std::string_view header) {
  // Links are "<target>params" separated by commas; a target holds no '>' and params no '<'.
  std::size_t open = header.find('<');
  while (open != std::string_view::npos) {
    const std::size_t close = header.find('>', open);
    if (close == std::string_view::npos) return std::nullopt;
    const std::size_t next_open = header.find('<', close);
    auto params = header.substr(close + 1, next_open == std::string_view::npos
                                               ? std::string_view::npos
                                               : next_open - close - 1);
    if (const auto comma = params.rfind(','); next_open != std::string_view::npos &&
                                              comma != std::string_view::npos)
      params = params.substr(0, comma);
    if (has_next_rel(params)) return std::string(header.substr(open + 1, close - open - 1));
    open = next_open;
  }
  return std::nullopt;
}

}  // namespace layerpush::engine
