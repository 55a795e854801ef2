// Names without a tag, as a sync config writes them: a repository ("quay.io/coreos/etcd"), a
// name prefix that rewrites map from and to ("docker.io/library/", "mirror.internal:5000/hub"),
// and a registry host ("mirror.internal:5000"). Each is checked by the reference grammar of
// engine/image/reference.h and normalized the same way (docker.io and library/ defaults,
// index.docker.io is docker.io). Pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "engine/image/reference.h"

namespace layerpush::engine {

// A repository by name only: parse_reference's rules, and no tag or digest (the reference
// grammar would read "latest" into a bare name; here the tag stays empty). Throws
// ReferenceError, e.g. `"quay.io/coreos/etcd:v3.5.0" has the tag "v3.5.0"; give the repository
// name alone`.
Reference parse_repository_name(std::string_view text);

// "HOST[/PATH]" with an optional trailing '/', normalized to "host[/path]" without it. The first
// component must be a registry host (it has a '.' or ':' or is localhost), since a prefix has no
// way to tell "library/" from a host otherwise. Throws ReferenceError.
std::string parse_name_prefix(std::string_view text);

// "host[:port]" (or "[v6]:port"), normalized; index.docker.io is docker.io. Throws ReferenceError.
std::string parse_registry_host(std::string_view text);

}  // namespace layerpush::engine
