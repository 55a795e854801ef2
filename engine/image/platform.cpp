// Platform strings: the os/arch[/variant] form of containerd's platforms package, without its
// guessing (no case folding, no "x86_64" → "amd64" aliases): a sync config says what it means.
#include "engine/image/platform.h"

#include <stdexcept>
#include <vector>

#include "engine/util/in_quotes.h"

namespace layerpush::engine {
namespace {

bool is_platform_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

// arm64's only variant in practice is v8, and registries list it both ways.
std::string normalized_variant(const Platform& platform) {
  if (platform.architecture == "arm64" && platform.variant.empty()) return "v8";
  return platform.variant;
}

}  // namespace

std::string Platform::str() const {
  return variant.empty() ? os + "/" + architecture : os + "/" + architecture + "/" + variant;
}

Platform parse_platform(std::string_view text) {
  const auto fail = [&](const std::string& why) {
    throw std::invalid_argument("platform " + in_quotes(text) + " " + why);
  };
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto slash = text.find('/', start);
    parts.push_back(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() < 2 || parts.size() > 3)
    fail("is not of the form os/arch or os/arch/variant, as in linux/arm64/v8");
  for (const auto part : parts) {
    if (part.empty()) fail("has an empty part; it is os/arch or os/arch/variant");
    for (char c : part)
      if (!is_platform_char(c))
        fail("has the character '" + std::string(1, c) +
             "'; platforms are lowercase letters, digits, '_', '.' and '-'");
  }
  Platform platform{std::string(parts[0]), std::string(parts[1]), {}};
  if (parts.size() == 3) platform.variant = std::string(parts[2]);
  return platform;
}

bool platform_matches(const Platform& filter, const Platform& candidate) {
  if (filter.os != candidate.os || filter.architecture != candidate.architecture) return false;
  return filter.variant.empty() || normalized_variant(filter) == normalized_variant(candidate);
}

}  // namespace layerpush::engine
