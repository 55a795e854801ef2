// What `layerpush sync CONFIG` copies: the YAML file's contents as plain data, checked and
// normalized when loaded, so later steps (tag selection, name mapping, planning) never meet a
// malformed value. Plain data, safe to copy and to read from any thread.
//
// A full example (every key there is):
//
//   # Connection settings per registry host, all optional; hosts not listed get the defaults
//   # (https with verification, docker's config for credentials; plain http for loopback hosts).
//   registries:
//     quay.io:
//       authfile: /etc/layerpush/quay.json  # docker config file with credentials (or a
//                                           # credsStore/credHelpers it names)
//       tls-verify: true
//       ca-file: /etc/ssl/quay-ca.pem
//     mirror.internal:5000:
//       plain-http: true
//       cert-file: /etc/layerpush/client.pem  # a client certificate, always with key-file
//       key-file: /etc/layerpush/client.key
//   # Where images go unless a rewrite or an entry says otherwise: the source's repository path
//   # appended to this prefix (here mirror.internal:5000/mirror/coreos/etcd).
//   target: mirror.internal:5000/mirror
//   # Prefix rewrites of the full normalized source name, first match wins, tried before
//   # `target`. A prefix matches at a '/' or as the whole name (docker.io/library/ matches
//   # docker.io/library/nginx, not docker.io/library-x/y).
//   rewrite:
//     - from: docker.io/library/
//       to: mirror.internal:5000/hub/
//   images:
//     - source: quay.io/coreos/etcd        # tags listed explicitly, copied in this order
//       tags: [v3.5.0, v3.5.1]
//     - source: docker.io/library/nginx    # tags the regex finds (std::regex_search, so
//       tag-regex: '^1\.25\.'              # unanchored as skopeo's images-by-tag-regex;
//       platforms: [linux/amd64, linux/arm64/v8]  # anchor with ^ and $ for whole tags)
//     - source: ghcr.io/org/tool
//       all-tags: true
//       target: mirror.internal:5000/tools/tool  # this repository exactly
//
// Rules: unknown keys are refused (a typo must not be ignored), and so are repeated keys; each
// image has exactly one of `tags`, `tag-regex` and `all-tags: true`; sources and targets are
// names without tag or digest (engine/image/repository_name.h); tags follow the tag grammar;
// regexes are ECMAScript; platforms are os/arch[/variant]; file paths relative to the config file's
// folder are taken from there.
#pragma once

#include <map>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "engine/image/platform.h"
#include "engine/image/reference.h"

namespace layerpush::engine {

struct RegistrySettings {
  std::optional<std::string> authfile;  // unset: $DOCKER_CONFIG/config.json, ~/.docker/...
  std::optional<bool> plain_http;       // unset: plain http for loopback hosts only
  bool tls_verify = true;
  // Files: "" for none; a relative path in the file is taken from the config file's folder.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;  // set exactly when cert_file is
  bool operator==(const RegistrySettings&) const = default;
};

struct RewriteRule {
  std::string from;  // normalized "host[/path]", no trailing '/'
  std::string to;
  bool operator==(const RewriteRule&) const = default;
};

enum class TagRule { kListed, kRegex, kAll };

struct ImageEntry {
  Reference source;  // registry and repository; tag and digest empty
  TagRule rule = TagRule::kListed;
  std::vector<std::string> tags;  // kListed: as listed, none repeated
  std::string tag_regex;          // kRegex: the pattern as written
  std::regex tag_pattern;         // kRegex: tag_regex compiled (ECMAScript)
  std::vector<Platform> platforms;   // empty: every platform, the index copied whole
  std::optional<std::string> target;  // normalized "host/path" of the destination repository
};

struct SyncConfig {
  std::map<std::string, RegistrySettings> registries;  // by normalized host[:port]
  std::optional<std::string> target;                   // normalized "host[/path]" prefix
  std::vector<RewriteRule> rewrite;
  std::vector<ImageEntry> images;  // at least one

  // The settings for `host`, the defaults when it is not listed.
  RegistrySettings registry(const std::string& host) const;
};

// Reads and checks the file. Throws Error(ErrorKind::kInput) with one sentence naming the file,
// where in it, the rule and the value: `sync config sync.yaml: images[2]: needs exactly one of
// tags, tag-regex and all-tags: true; it has tags and tag-regex`.
SyncConfig load_sync_config(const std::string& path);

}  // namespace layerpush::engine
