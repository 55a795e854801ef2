#include "tools/layerpush/bench_target.h"

#include <cstdio>

#include "engine/registry/registry_session.h"
#include "engine/util/error.h"
#include "hashing/digest.h"

namespace layerpush::cli {

void delete_test_manifests(const std::vector<RunResult>& runs, const engine::PushOptions& options) {
  int deleted = 0;
  for (const auto& run : runs) {
    try {
      const auto destination = engine::parse_reference(run.destination);
      const auto digest = hashing::Digest::parse(run.manifest_digest);
      engine::RegistrySession session(destination, options);
      session.authenticate();
      bool allowed = true;
      session.run([&]() -> boost::asio::awaitable<void> {
        allowed = co_await session.client().delete_manifest(*digest);
      });
      if (!allowed) {
        std::fprintf(stderr,
                     "layerpush bench: %s does not allow deleting manifests (405/UNSUPPORTED); "
                     "the %zu test tag(s) bench-* stay\n",
                     destination.registry.c_str(), runs.size() - deleted);
        return;
      }
      ++deleted;
    } catch (const engine::Error& e) {
      std::fprintf(stderr, "layerpush bench: warning: could not delete %s: %s\n",
                   run.destination.c_str(), e.what());
    }
  }
  std::fprintf(stderr, "layerpush bench: deleted %d test manifest(s)\n", deleted);
}

}  // namespace layerpush::cli
