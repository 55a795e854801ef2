#include "engine/sync/sync_plan.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <mutex>

#include "engine/image/repository_name.h"
#include "engine/registry/registry_session.h"
#include "engine/registry/registry_source.h"
#include "engine/sync/name_mapping.h"
#include "engine/sync/tag_selection.h"
#include "hashing/sha256.h"

namespace layerpush::engine {
namespace asio = boost::asio;

namespace {
std::vector<std::string> list_source_tags(const SyncConfig& config, const Reference& source,
                                          const SyncOptions& options) {
  const RegistryOptions registry = registry_options(config, source.registry, options);
  RegistrySession session(source, registry);
  session.authenticate();
  std::vector<std::string> tags;
  session.run([&]() -> asio::awaitable<void> { tags = co_await session.client().list_tags(); });
  return tags;
}

std::vector<std::string> tags_to_copy(const SyncConfig& config, const ImageEntry& entry,
                                      const SyncOptions& options) {
  // Listed tags are not checked against tags/list: a missing one fails on its manifest GET,
  // named there, and a registry that hides tags/list still serves listed tags.
  if (entry.rule == TagRule::kListed) return entry.tags;
  return select_tags(entry, list_source_tags(config, entry.source, options)).tags;
}
}  // namespace

RegistryOptions registry_options(const SyncConfig& config, const std::string& host,
                                 const SyncOptions& options) {
  const RegistrySettings settings = config.registry(host);
  RegistryOptions registry;
  registry.plain_http = settings.plain_http.value_or(is_loopback_registry(host));
  registry.tls.verify = settings.tls_verify;
  if (!settings.ca_file.empty()) registry.tls.ca_files.push_back(settings.ca_file);
  registry.tls.cert_file = settings.cert_file;
  registry.tls.key_file = settings.key_file;
  add_docker_certs_d(registry.tls, host);
  registry.authfile = settings.authfile;
  registry.retry = options.retry;
  registry.timeouts = options.timeouts;
  return registry;
}

std::vector<PlannedImage> plan_images(const SyncConfig& config, const SyncOptions& options) {
  std::vector<PlannedImage> planned;
  std::map<std::string, std::string> source_of;  // destination -> source, to find collisions
  for (const auto& entry : config.images) {
    std::vector<std::string> tags;
    try {
      tags = tags_to_copy(config, entry, options);
    } catch (const Error& e) {
      if (!options.keep_going || e.kind() == ErrorKind::kUsage) throw;
      // One entry for the repository: its images are unknown, and it is in every shard's report.
      planned.push_back({entry.source, {}, entry.platforms, {}, {}, e});
      continue;
    }
    const Reference destination_repo =
        parse_repository_name(destination_repository(config, entry, entry.source));
    for (const auto& tag : tags) {
      Reference source = entry.source;
      source.tag = tag;
      if (!in_shard(source.str(), options.shard)) continue;
      Reference destination = destination_repo;
      destination.tag = tag;
      const auto [it, fresh] = source_of.emplace(destination.str(), source.str());
      if (!fresh && it->second != source.str())
        throw Error(ErrorKind::kInput, "sync config: " + it->second + " and " + source.str() +
                                           " both map to " + destination.str() +
                                           "; give one of them another target");
      if (fresh) planned.push_back({std::move(source), std::move(destination), entry.platforms});
    }
  }
  return planned;
}

void read_sources(std::vector<PlannedImage>& images, const SyncConfig& config,
                  const SyncOptions& options) {
  // Each read is a few round trips of waiting: a pool of threads, each with its own session.
  const std::size_t threads = std::clamp<std::size_t>(images.size(), 1, std::max(1, options.jobs));
  asio::thread_pool pool(threads);
  for (auto& planned : images) {
    if (planned.failure) continue;
    asio::post(pool, [&planned, &config, &options] {
      try {
        const auto registry = registry_options(config, planned.source.registry, options);
        planned.image = load_registry_image(planned.source, registry, planned.platforms);
        planned.digest = hashing::sha256_of(*planned.image->manifest_bytes).str();
      } catch (const Error& e) {
        planned.failure = e;
      } catch (const std::exception& e) {
        planned.failure = Error(ErrorKind::kInput, "reading " + planned.source.str() +
                                                      " failed: " + e.what());
      }
    });
  }
  pool.join();
}

}  // namespace layerpush::engine
