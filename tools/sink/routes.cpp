#include "tools/sink/routes.h"

#include <boost/url/parse.hpp>
#include <charconv>
#include <cstdint>

namespace layerpush::sink {
namespace {

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component: alphanumeric runs separated by ".", "_", "__" or any number of "-".
bool valid_component(std::string_view c) {
  if (c.empty() || !is_alnum(c.front()) || !is_alnum(c.back())) return false;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (is_alnum(c[i])) continue;
    const std::size_t start = i;
    while (i < c.size() && !is_alnum(c[i])) ++i;
    const std::string_view sep = c.substr(start, i - start);
    const bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
  }
  return true;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  for (;;) {
    const auto slash = name.find('/');
    if (!valid_component(name.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    name.remove_prefix(slash + 1);
  }
}

// Splits "NAME<marker>ID" at the last marker; ID must not contain "/".
bool split(std::string_view rest, std::string_view marker, Route& route) {
  const auto at = rest.rfind(marker);
  if (at == std::string_view::npos) return false;
  const std::string_view id = rest.substr(at + marker.size());
  if (id.find('/') != std::string_view::npos) return false;
  route.name = std::string(rest.substr(0, at));
  route.id = std::string(id);
  return true;
}

}  // namespace

std::optional<Route> parse_route(std::string_view target) {
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  Route route;
  for (const auto& param : url->params()) route.query[param.key] = param.value;
  const std::string path = url->path();  // percent-decoded
  if (path == "/v2/" || path == "/v2") return route;
  if (!path.starts_with("/v2/")) return std::nullopt;
  const std::string_view rest = std::string_view(path).substr(4);
  if (split(rest, "/blobs/uploads/", route)) {
    route.endpoint = route.id.empty() ? Endpoint::kUploads : Endpoint::kUpload;
  } else if (rest.ends_with("/blobs/uploads")) {
    route.endpoint = Endpoint::kUploads;
    route.name = std::string(rest.substr(0, rest.size() - 14));
  } else if (split(rest, "/blobs/", route) && !route.id.empty()) {
    route.endpoint = Endpoint::kBlob;
  } else if (split(rest, "/manifests/", route) && !route.id.empty()) {
    route.endpoint = Endpoint::kManifest;
  } else {
    return std::nullopt;
  }
  if (!valid_name(route.name)) return std::nullopt;
  return route;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_content_range(std::string_view value) {
  if (value.starts_with("bytes ") || value.starts_with("bytes=")) value.remove_prefix(6);
  const auto dash = value.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::uint64_t start = 0, end = 0;
  const auto parse = [](std::string_view text, std::uint64_t& out) {
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc() && ptr == text.data() + text.size();
  };
  if (!parse(value.substr(0, dash), start) || !parse(value.substr(dash + 1), end) || end < start)
    return std::nullopt;
  return std::pair{start, end};
}

}  // namespace layerpush::sink
