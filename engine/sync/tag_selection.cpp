// Tag selection for sync. Sorting makes the plan (and so --dry-run output and shard contents)
// the same whatever order the registry lists tags in; the tags/list API promises none.
#include "engine/sync/tag_selection.h"

#include <algorithm>
#include <regex>
#include <set>

namespace layerpush::engine {

SelectedTags select_tags(const ImageEntry& entry, const std::vector<std::string>& reported) {
  SelectedTags selected;
  const std::set<std::string> available(reported.begin(), reported.end());  // sorted, unique
  switch (entry.rule) {
    case TagRule::kListed:
      for (const auto& tag : entry.tags)
        (available.count(tag) ? selected.tags : selected.missing).push_back(tag);
      break;
    case TagRule::kRegex:
      std::copy_if(available.begin(), available.end(), std::back_inserter(selected.tags),
                   [&](const std::string& tag) { return std::regex_search(tag, entry.tag_pattern); });
      break;
    case TagRule::kAll:
      selected.tags.assign(available.begin(), available.end());
      break;
  }
  return selected;
}

}  // namespace layerpush::engine
