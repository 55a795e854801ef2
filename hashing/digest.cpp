#include "hashing/digest.h"

namespace layerpush::hashing {
namespace {
constexpr std::string_view kPrefix = "sha256:";
constexpr std::size_t kHexLength = 64;

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

std::optional<Digest> fail(std::string* why, std::string message) {
  if (why) *why = std::move(message);
  return std::nullopt;
}
}  // namespace

std::optional<Digest> Digest::parse(std::string_view text, std::string* why) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos)
    return fail(why, "digest \"" + std::string(text) + "\" has no algorithm; expected sha256:<64 hex digits>");
  if (text.substr(0, colon + 1) != kPrefix)
    return fail(why, "digest algorithm \"" + std::string(text.substr(0, colon)) +
                         "\" is not supported; only sha256 is");
  const auto hex = text.substr(kPrefix.size());
  if (hex.size() != kHexLength)
    return fail(why, "digest \"" + std::string(text) + "\" has " + std::to_string(hex.size()) +
                         " hex digits; sha256 needs 64");
  for (char c : hex)
    if (!is_lower_hex(c))
      return fail(why, "digest \"" + std::string(text) + "\" must be lowercase hex after sha256:");
  return Digest(std::string(text));
}

Digest Digest::from_sha256_bytes(const std::array<std::uint8_t, 32>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(kPrefix);
  text.reserve(kPrefix.size() + kHexLength);
  for (auto b : bytes) {
    text.push_back(kHex[b >> 4]);
    text.push_back(kHex[b & 0xf]);
  }
  return Digest(std::move(text));
}

}  // namespace layerpush::hashing
