// A content digest as registries name blobs: "sha256:" followed by 64 lowercase hex digits.
// Values are immutable and cheap to copy; safe to share between threads.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layerpush::hashing {

class Digest {
 public:
  // Parses "sha256:<64 lowercase hex>". On failure returns nullopt and, if `why` is given,
  // one sentence naming the rule that was broken.
  static std::optional<Digest> parse(std::string_view text, std::string* why = nullptr);
  static Digest from_sha256_bytes(const std::array<std::uint8_t, 32>& bytes);

  const std::string& str() const { return text_; }           // "sha256:ab12..."
  std::string_view hex() const { return std::string_view(text_).substr(7); }
  std::string short_hex() const { return std::string(hex().substr(0, 12)); }  // as docker prints

  friend bool operator==(const Digest&, const Digest&) = default;
  friend auto operator<=>(const Digest&, const Digest&) = default;

 private:
  explicit Digest(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

}  // namespace layerpush::hashing
