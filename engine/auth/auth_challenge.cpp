#include "engine/auth/auth_challenge.h"

#include <cctype>

namespace layerpush::engine {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void skip_spaces(std::string_view& s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string take_token(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && is_token_char(s[n])) ++n;
  std::string token(s.substr(0, n));
  s.remove_prefix(n);
  return token;
}

// A quoted-string after its opening quote; backslash escapes the next character.
std::optional<std::string> take_quoted(std::string_view& s) {
  std::string out;
  while (!s.empty()) {
    const char c = s.front();
    s.remove_prefix(1);
    if (c == '"') return out;
    if (c == '\\') {
      if (s.empty()) return std::nullopt;
      out.push_back(s.front());
      s.remove_prefix(1);
      continue;
    }
    out.push_back(c);
  }
  return std::nullopt;  // no closing quote
}

}  // namespace

std::string AuthChallenge::param(const std::string& key) const {
  auto it = params.find(key);
  return it == params.end() ? std::string() : it->second;
}

std::vector<std::string> AuthChallenge::scopes() const {
  std::vector<std::string> out;
  std::string_view rest = params.count("scope") ? std::string_view(params.at("scope")) : "";
  while (!rest.empty()) {
    const auto space = rest.find(' ');
    if (space != 0) out.emplace_back(rest.substr(0, space));
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  return out;
}

std::optional<AuthChallenge> parse_auth_challenge(std::string_view header) {
  std::string_view s = header;
  skip_spaces(s);
  AuthChallenge challenge;
  challenge.scheme = lower(take_token(s));
  if (challenge.scheme.empty()) return std::nullopt;
  for (;;) {
    skip_spaces(s);
    if (s.empty()) break;
    std::string key = lower(take_token(s));
    skip_spaces(s);
    if (key.empty() || s.empty() || s.front() != '=') {
      // Another challenge may follow ("Bearer …, Basic …"): the first one is ours.
      break;
    }
    s.remove_prefix(1);
    skip_spaces(s);
    std::string value;
    if (!s.empty() && s.front() == '"') {
      s.remove_prefix(1);
      auto quoted = take_quoted(s);
      if (!quoted) return std::nullopt;
      value = *quoted;
    } else {
      value = take_token(s);
    }
    challenge.params[key] = value;
    skip_spaces(s);
    if (!s.empty() && s.front() == ',') s.remove_prefix(1);
  }
  return challenge;
}

}  // namespace layerpush::engine
