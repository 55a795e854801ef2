// Repository names, name prefixes and hosts, checked by handing parse_reference() a reference
// built around them, so there is one grammar. A placeholder last component ("xx") makes a prefix
// or a host into a complete reference; it is never part of a message, because parse_reference
// checks the host before the path and a placeholder of two lowercase letters breaks no rule.
#include "engine/image/repository_name.h"

#include "engine/util/in_quotes.h"

namespace layerpush::engine {
namespace {

constexpr std::string_view kPlaceholder = "/xx";

bool looks_like_host(std::string_view first) {
  return first == "localhost" || first.find_first_of(".:") != std::string_view::npos;
}

}  // namespace

Reference parse_repository_name(std::string_view text) {
  // Found as parse_reference finds them, but first, so that the message says what is wrong.
  if (text.find('@') != std::string_view::npos)
    throw ReferenceError(in_quotes(text) + " has a digest; give the repository name alone");
  const auto slash = text.rfind('/');
  const auto colon = text.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash))
    throw ReferenceError(in_quotes(text) + " has the tag " + in_quotes(text.substr(colon + 1)) +
                         "; give the repository name alone");
  Reference ref = parse_reference(text);
  ref.tag.reset();  // parse_reference's "latest" default
  return ref;
}

std::string parse_name_prefix(std::string_view text) {
  auto prefix = text;
  if (prefix.ends_with('/')) prefix.remove_suffix(1);
  const auto slash = prefix.find('/');
  const auto host = prefix.substr(0, slash);
  if (!looks_like_host(host))
    throw ReferenceError("name prefix " + in_quotes(text) +
                         " must start with a registry host (a name with '.' or ':', or "
                         "localhost), as in docker.io/library/");
  if (slash == std::string_view::npos) return parse_registry_host(host);
  const auto path = prefix.substr(slash + 1);
  if (path.empty() || path.starts_with('/') || path.find("//") != std::string_view::npos || path.ends_with('/'))
    throw ReferenceError("name prefix " + in_quotes(text) +
                         " has an empty component; each '/' must stand between two components");
  const Reference ref = parse_reference(std::string(prefix) + std::string(kPlaceholder));
  return ref.registry + "/" + std::string(path);
}

std::string parse_registry_host(std::string_view text) {
  if (!looks_like_host(text))
    throw ReferenceError("registry host " + in_quotes(text) +
                         " is not a host name: a host has a '.' or ':' or is localhost");
  if (text.find('/') != std::string_view::npos)
    throw ReferenceError("registry host " + in_quotes(text) +
                         " has a '/'; it is host[:port] alone, as in mirror.internal:5000");
  return parse_reference(std::string(text) + std::string(kPlaceholder)).registry;
}

}  // namespace layerpush::engine
