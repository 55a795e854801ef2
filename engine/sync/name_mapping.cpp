// The sync name mapping. Prefixes match at component boundaries only, so a rule for
// docker.io/library never catches docker.io/library-extras/x.
#include "engine/sync/name_mapping.h"

#include "engine/image/repository_name.h"
#include "engine/util/error.h"

namespace layerpush::engine {
namespace {

// The mapped name, checked and normalized as a repository name.
std::string checked_destination(const std::string& name, const std::string& source,
                                const std::string& how) {
  // A rule that maps a whole name to a bare host would otherwise read as a Docker Hub name.
  if (name.find('/') == std::string::npos)
    throw Error(ErrorKind::kInput, "the destination " + name + " of " + source + " (" + how +
                                       ") is a registry host alone; it needs a repository path");
  try {
    return parse_repository_name(name).str();
  } catch (const ReferenceError& e) {
    throw Error(ErrorKind::kInput, "the destination " + name + " of " + source + " (" + how +
                                       ") is not a repository name: " + e.what());
  }
}

}  // namespace

std::string rewrite_name(std::string_view name, std::string_view from, std::string_view to) {
  if (!name.starts_with(from)) return {};
  const auto rest = name.substr(from.size());
  if (!rest.empty() && rest.front() != '/') return {};
  std::string out(to);
  out += rest;
  return out;
}

std::string destination_repository(const SyncConfig& config, const ImageEntry& entry,
                                   const Reference& source) {
  if (entry.target) return *entry.target;  // checked when the config was loaded
  const std::string name = source.registry + "/" + source.repository;
  for (std::size_t i = 0; i < config.rewrite.size(); ++i) {
    const auto& rule = config.rewrite[i];
    if (auto mapped = rewrite_name(name, rule.from, rule.to); !mapped.empty())
      return checked_destination(mapped, name, "rewrite[" + std::to_string(i) + "]");
  }
  if (config.target)
    return checked_destination(*config.target + "/" + source.repository, name, "target");
  throw Error(ErrorKind::kInput, "no destination for " + name +
                                     ": its entry has no target, no rewrite rule matches it and "
                                     "the config has no global target");
}

}  // namespace layerpush::engine
