#include "engine/http/url.h"

#include <boost/url.hpp>

#include "engine/util/error.h"

namespace layerpush::engine {
namespace urls = boost::urls;

namespace {
std::string default_port(std::string_view scheme) { return scheme == "https" ? "443" : "80"; }

Url from_view(const urls::url_view& u, std::string_view original) {
  // Schemes are case-insensitive (RFC 3986 3.1); scheme_id() compares them that way.
  const bool https = u.scheme_id() == urls::scheme::https;
  if (!https && u.scheme_id() != urls::scheme::http)
    throw Error(ErrorKind::kRegistry, "URL \"" + std::string(original) + "\" is not http or https");
  Url out;
  out.origin.scheme = https ? "https" : "http";
  // host_name() of an IPv6 literal keeps the brackets; the resolver wants the bare address.
  out.origin.host = u.host_type() == urls::host_type::ipv6 ? std::string(u.host_address())
                                                           : std::string(u.encoded_host());
  // An empty port ("host:/") means the default one (RFC 3986 6.2.3).
  out.origin.port = u.has_port() && !u.port().empty() ? std::string(u.port())
                                                      : default_port(out.origin.scheme);
  out.target = std::string(u.encoded_path());
  if (out.target.empty()) out.target = "/";
  if (u.has_query()) out.target += "?" + std::string(u.encoded_query());
  return out;
}
}  // namespace

std::string Origin::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != default_port(scheme)) h += ":" + port;
  return h;
}

std::string Url::str() const { return origin.scheme + "://" + origin.host_header() + target; }

Url parse_url(std::string_view text) {
  auto parsed = urls::parse_absolute_uri(text);
  if (!parsed) throw Error(ErrorKind::kRegistry, "URL \"" + std::string(text) + "\" is not valid");
  return from_view(*parsed, text);
}

Url resolve_location(const Url& request_url, std::string_view location) {
  auto ref = urls::parse_uri_reference(location);
  if (!ref)
    throw Error(ErrorKind::kRegistry,
                "registry sent an invalid Location \"" + std::string(location) + "\"");
  const std::string base_text = request_url.str();
  urls::url resolved;
  auto result = urls::resolve(urls::url_view(base_text), *ref, resolved);
  if (!result)
    throw Error(ErrorKind::kRegistry,
                "registry sent a Location that cannot be resolved: \"" + std::string(location) + "\"");
  return from_view(resolved, location);
}

}  // namespace layerpush::engine
