// A hand-written parser for docker image references. Grammar: distribution/reference regexp.go;
// normalization: distribution/reference normalize.go (splitDockerDomain, ParseNormalizedNamed).
#include "engine/image/reference.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>

#include "engine/util/in_quotes.h"

namespace layerpush::engine {
namespace {

constexpr std::size_t kTagMax = 128;   // [\w][\w.-]{0,127}
constexpr std::size_t kPathMin = 2;    // repository path as typed
constexpr std::size_t kNameMax = 255;  // NameTotalLengthMax, also the path's upper bound
constexpr std::string_view kHub = "docker.io";
constexpr std::string_view kLegacyHub = "index.docker.io";
constexpr std::string_view kHubApi = "registry-1.docker.io";
constexpr std::string_view kOfficialPrefix = "library/";

[[noreturn]] void fail(const std::string& message) { throw ReferenceError(message); }

std::string characters(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " character" : " characters");
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || is_digit(c); }
bool is_alnum(char c) { return is_lower_alnum(c) || is_upper(c); }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

// docker refuses a bare 64-hex string: it would be taken for an image ID.
bool is_identifier(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return is_digit(c) || (c >= 'a' && c <= 'f');
         });
}

// The rule of a tag that is not empty; check_tag() and parse_reference() word the empty case.
void check_tag_characters(std::string_view tag) {
  if (tag.size() > kTagMax)
    fail("tag is " + characters(tag.size()) + "; the limit is " + std::to_string(kTagMax));
  if (!is_word(tag.front()))
    fail("tag " + in_quotes(tag) + " must start with a letter, digit or underscore");
  for (char c : tag)
    if (!is_word(c) && c != '.' && c != '-')
      fail("tag " + in_quotes(tag) + " has the character '" + std::string(1, c) +
           "'; tags are letters, digits, '_', '.' and '-'");
}

void check_tag_in(std::string_view tag, std::string_view text) {
  if (tag.empty()) fail("reference " + in_quotes(text) + " has an empty tag after ':'");
  check_tag_characters(tag);
}

// domainName: labels of [a-zA-Z0-9-] separated by '.', no label starting or ending with '-'.
bool is_domain_name(std::string_view name) {
  std::size_t start = 0;
  while (true) {
    const auto dot = name.find('.', start);
    const auto label = name.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back())) return false;
    for (char c : label)
      if (!is_alnum(c) && c != '-') return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// host [':' port] with host a domain name, IPv4 in decimal, or IPv6 in brackets.
void check_host(std::string_view host) {
  const auto invalid = [&](std::string_view why) {
    fail("registry host " + in_quotes(host) + " is invalid: " + std::string(why));
  };
  std::string_view rest;
  if (host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos) invalid("'[' has no matching ']'");
    const auto address = host.substr(1, close - 1);
    if (address.empty() ||
        !std::all_of(address.begin(), address.end(), [](char c) { return is_hex(c) || c == ':'; }))
      invalid("an IPv6 address in brackets is hex digits and ':'");
    rest = host.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') invalid("only ':PORT' may follow ']'");
  } else {
    const auto colon = host.find(':');
    const auto name = host.substr(0, colon);
    if (colon != std::string_view::npos) rest = host.substr(colon);
    if (rest.find(':', 1) != std::string_view::npos)
      invalid("an IPv6 address must be in brackets, as in [::1]:5000");
    if (!is_domain_name(name))
      invalid(
          "a host name is labels of letters, digits and '-' separated by '.', each label "
          "starting and ending with a letter or digit");
  }
  if (!rest.empty() && !all_digits(rest.substr(1))) invalid("the port after ':' must be digits");
}

// [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*
bool is_path_component(std::string_view component) {
  std::size_t i = 0;
  while (true) {
    const auto run_start = i;
    while (i < component.size() && is_lower_alnum(component[i])) ++i;
    if (i == run_start) return false;  // a separator with no letters or digits after it
    if (i == component.size()) return true;
    const auto sep_start = i;
    while (i < component.size() && !is_lower_alnum(component[i])) ++i;
    const auto sep = component.substr(sep_start, i - sep_start);
    const bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (sep != "." && sep != "_" && sep != "__" && !dashes) return false;
  }
}

void check_component(std::string_view component, std::string_view path) {
  if (component.empty())
    fail("repository path " + in_quotes(path) +
         " has an empty component; each '/' must stand between two components");
  if (std::any_of(component.begin(), component.end(), is_upper))
    fail("repository path component " + in_quotes(component) +
         " has uppercase letters; repository names must be lowercase");
  if (!is_path_component(component))
    fail("repository path component " + in_quotes(component) +
         " is invalid: components are lowercase letters and digits separated by '.', '_', '__' "
         "or '-'");
}

void check_path(std::string_view path) {
  std::size_t start = 0;
  while (true) {
    const auto slash = path.find('/', start);
    check_component(path.substr(start, slash == std::string_view::npos ? slash : slash - start),
                    path);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (path.size() < kPathMin)
    fail("repository name " + in_quotes(path) + " is " + characters(path.size()) + "; it must be " +
         std::to_string(kPathMin) + " to " + std::to_string(kNameMax));
  if (path.size() > kNameMax)
    fail("repository name is " + characters(path.size()) + "; the limit is " +
         std::to_string(kNameMax));
}

// splitDockerDomain: the first component names a host only if it looks like one.
bool looks_like_host(std::string_view first) {
  return first == "localhost" || first.find_first_of(".:") != std::string_view::npos;
}

bool is_ipv4_loopback(std::string_view text) {
  int octets = 0;
  std::size_t start = 0;
  while (true) {
    const auto dot = text.find('.', start);
    const auto octet = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!all_digits(octet) || octet.size() > 3 || (octet.size() > 1 && octet.front() == '0'))
      return false;  // leading zeros are refused, as Go's net.ParseIP does
    const int value = std::stoi(std::string(octet));
    if (value > 255 || (octets == 0 && value != 127)) return false;
    ++octets;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return octets == 4;
}

bool is_ipv6_loopback(std::string_view text) {
  in6_addr address{};
  if (inet_pton(AF_INET6, std::string(text).c_str(), &address) != 1) return false;
  // ::ffff:127.x.y.z counts too, as Go's IP.IsLoopback (docker's check) sees IPv4 inside.
  return IN6_IS_ADDR_LOOPBACK(&address) ||
         (IN6_IS_ADDR_V4MAPPED(&address) && address.s6_addr[12] == 127);
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return (is_upper(x) ? x - 'A' + 'a' : x) == (is_upper(y) ? y - 'A' + 'a' : y);
  });
}

}  // namespace

std::string Reference::api_host() const {
  return registry == kHub ? std::string(kHubApi) : registry;
}

std::string Reference::manifest_reference() const {
  if (digest) return digest->str();
  return tag.value_or("latest");
}

std::string Reference::str() const {
  std::string out = registry + "/" + repository;
  if (tag) out += ":" + *tag;
  if (digest) out += "@" + digest->str();
  return out;
}

Reference parse_reference(std::string_view text) {
  if (text.empty()) fail("reference is empty");
  if (is_identifier(text))
    fail("reference " + in_quotes(text) +
         " is a 64-digit hex string, which docker refuses as a name because it reads as an "
         "image ID");
  Reference ref;
  auto rest = text;
  if (const auto at = rest.find('@'); at != std::string_view::npos) {
    std::string why;
    ref.digest = hashing::Digest::parse(rest.substr(at + 1), &why);
    if (!ref.digest) fail(why);
    rest = rest.substr(0, at);
  }
  const auto last_slash = rest.rfind('/');
  if (const auto colon = rest.rfind(':');
      colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    check_tag_in(*ref.tag, text);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) fail("reference " + in_quotes(text) + " has no repository name");

  std::string_view host = kHub;
  std::string_view path = rest;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    const auto first = rest.substr(0, slash);
    if (looks_like_host(first)) {
      check_host(first);
      host = first == kLegacyHub ? kHub : first;
      path = rest.substr(slash + 1);
      if (path.empty())
        fail("reference " + in_quotes(text) + " has no repository after registry host " +
             in_quotes(first));
    }
  }
  check_path(path);  // an uppercase first component that is not a host is refused here

  ref.registry = std::string(host);
  ref.repository = host == kHub && path.find('/') == std::string_view::npos
                       ? std::string(kOfficialPrefix) + std::string(path)
                       : std::string(path);
  const auto name_size = ref.registry.size() + 1 + ref.repository.size();
  if (name_size > kNameMax)
    fail("full name (registry " + in_quotes(ref.registry) + ", '/' and repository) is " +
         characters(name_size) + "; the limit is " + std::to_string(kNameMax));
  if (!ref.tag && !ref.digest) ref.tag = "latest";
  return ref;
}

void check_tag(std::string_view tag) {
  if (tag.empty()) fail("tag is empty; tags are 1 to " + std::to_string(kTagMax) + " characters");
  check_tag_characters(tag);
}

bool is_loopback_registry(std::string_view registry) {
  auto host = registry;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return false;
    const auto port = host.substr(close + 1);
    if (!port.empty() && (port.front() != ':' || !all_digits(port.substr(1)))) return false;
    return is_ipv6_loopback(host.substr(1, close - 1));
  }
  if (std::count(host.begin(), host.end(), ':') > 1) return is_ipv6_loopback(host);  // bare "::1"
  if (const auto colon = host.find(':'); colon != std::string_view::npos) {
    if (!all_digits(host.substr(colon + 1))) return false;
    host = host.substr(0, colon);
  }
  return iequals(host, "localhost") || is_ipv4_loopback(host);
}

}  // namespace layerpush::engine
