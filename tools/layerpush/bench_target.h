// Cleaning up after `layerpush bench --target`: deletes the manifest of every run (by digest,
// which also removes its tag) where the registry allows DELETE. A registry that refuses
// (405, UNSUPPORTED: distribution's default) is told about once on stderr; other failures are
// warnings, never a failed benchmark. Blobs stay until the registry's garbage collection.
#pragma once

#include <vector>

#include "engine/transfer/push.h"
#include "tools/layerpush/bench_result.h"

namespace layerpush::cli {

void delete_test_manifests(const std::vector<RunResult>& runs, const engine::PushOptions& options);

}  // namespace layerpush::cli
