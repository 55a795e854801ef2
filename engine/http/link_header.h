// The RFC 8288 Link header as registries use it to page long lists (tags/list, _catalog):
// `</v2/name/tags/list?last=v9&n=1000>; rel="next"`. Pure; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace layerpush::engine {

// The target of the link whose rel is "next" (one of several comma-separated links, rel quoted
// or not, any case), or nullopt when there is none.
std::optional<std::string> next_link(std::string_view header);

}  // namespace layerpush::engine
