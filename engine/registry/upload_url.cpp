#include "engine/registry/upload_url.h"

#include <charconv>

namespace layerpush::engine {

Url registry_base(std::string_view registry_host, bool plain_http) {
  return parse_url(std::string(plain_http ? "http://" : "https://") + std::string(registry_host) +
                   "/");
}

std::string with_digest(std::string_view target, std::string_view digest) {
  // A redirect target for the final PUT already carries the digest: send it as given.
  const auto query = target.find('?');
  if (query != std::string_view::npos) {
    const auto params = "&" + std::string(target.substr(query + 1));
    if (params.find("&digest=") != std::string::npos) return std::string(target);
  }
  std::string out(target);
  out += target.find('?') == std::string_view::npos ? '?' : '&';
  out += "digest=";
  out += digest;
  return out;
}

std::string content_range(std::uint64_t offset, std::uint64_t length) {
  return std::to_string(offset) + "-" + std::to_string(offset + length - 1);
}

std::optional<std::uint64_t> parse_range_end(std::string_view header) {
  if (header.starts_with("bytes=")) header.remove_prefix(6);  // some registries add the unit
  if (!header.starts_with("0-")) return std::nullopt;
  header.remove_prefix(2);
  std::uint64_t end = 0;
  auto [ptr, ec] = std::from_chars(header.data(), header.data() + header.size(), end);
  if (ec != std::errc() || ptr != header.data() + header.size() || header.empty())
    return std::nullopt;
  return end;
}

}  // namespace layerpush::engine
