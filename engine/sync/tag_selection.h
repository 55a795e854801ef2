// Which tags of a repository `layerpush sync` copies, from an image entry of a sync config and
// the tags the source registry reports (GET /v2/NAME/tags/list; the caller fetches them). Pure;
// safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "engine/sync/sync_config.h"

namespace layerpush::engine {

struct SelectedTags {
  std::vector<std::string> tags;  // to copy, in a stable order
  // Listed tags the registry does not have, in the order listed: an error for the caller to
  // report by name (a typo or a deleted tag must not vanish silently). Empty for regex and all.
  std::vector<std::string> missing;
};

// kListed: the listed tags the registry has, in the order listed.
// kRegex: the reported tags std::regex_search finds the pattern in, sorted bytewise.
// kAll: every reported tag, sorted bytewise.
// Repeated reported tags count once.
SelectedTags select_tags(const ImageEntry& entry, const std::vector<std::string>& reported);

}  // namespace layerpush::engine
