// Where `layerpush sync` puts each source repository: the destination name mapping of a sync
// config (engine/sync/sync_config.h). Pure; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "engine/image/reference.h"
#include "engine/sync/sync_config.h"

namespace layerpush::engine {

// The normalized destination repository "host/path" for `source` (its registry and repository;
// a tag or digest is ignored), taken from, in this order:
//   1. the entry's own `target`, exactly;
//   2. the first `rewrite` rule whose `from` is a prefix of the source's full name, matching at
//      a '/' or as the whole name: `to` + the rest of the name;
//   3. the global `target` prefix + "/" + the source's repository path (its host dropped).
// Throws Error(ErrorKind::kInput) when none applies or the result is not a valid repository
// name (checked by the reference grammar, e.g. longer than 255 characters).
std::string destination_repository(const SyncConfig& config, const ImageEntry& entry,
                                   const Reference& source);

// `to` + the rest of `name` when `from` is `name` or a prefix of it ending at a '/'; else "".
// Both are normalized names without a trailing '/'.
std::string rewrite_name(std::string_view name, std::string_view from, std::string_view to);

}  // namespace layerpush::engine
