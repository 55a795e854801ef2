// Image references as docker writes them: [HOST[:PORT]/]PATH[:TAG][@DIGEST], parsed by the docker
// reference grammar and normalized (docker.io and library/ defaults, latest when neither tag nor
// digest is given). Values are plain data, safe to copy and share.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "hashing/digest.h"

namespace layerpush::engine {

// Thrown for a reference that breaks a rule; what() is one sentence naming the rule and the
// offending value, e.g. "tag is 129 characters; the limit is 128".
class ReferenceError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct Reference {
  std::string registry;    // "docker.io", "localhost:5000", "[::1]:5000", "registry.example.com"
  std::string repository;  // "library/ubuntu", "team/app"
  std::optional<std::string> tag;
  std::optional<hashing::Digest> digest;

  // The host the registry API is reached at: registry-1.docker.io for docker.io, else `registry`.
  std::string api_host() const;
  // The digest if there is one, else the tag: what a manifest is PUT under. A reference with both
  // is pushed by digest, as docker does.
  std::string manifest_reference() const;
  // "registry/repository[:tag][@digest]", normalized.
  std::string str() const;
};

// Parses and normalizes. Throws ReferenceError. Rules enforced, each with its own message:
// path components match [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*, joined by '/';
// the repository path as typed is 2 to 255 characters and the whole name at most 255;
// tag matches [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} (so at most 128 characters);
// digest is sha256:<64 lowercase hex>; uppercase letters in the repository are refused;
// the first component is a registry host only if it contains '.' or ':' or is "localhost";
// index.docker.io is docker.io; a single-component docker.io name gets "library/".
// A bare 64-hex-digit string is refused, as docker does: it reads as an image ID.
Reference parse_reference(std::string_view text);

// Checks a bare tag ("v1.2", as `layerpush tag REF NEWTAG` takes it) by the same rule:
// [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. Throws ReferenceError naming the rule and the value.
void check_tag(std::string_view tag);

// True for hosts docker talks plain HTTP to without being asked: localhost, 127.0.0.0/8, ::1
// (with or without a port).
bool is_loopback_registry(std::string_view registry);

}  // namespace layerpush::engine
