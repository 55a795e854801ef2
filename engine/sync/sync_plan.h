// The first step of `layerpush sync` (engine/sync/sync.h): from a sync config to the list of images
// this shard copies, each with its destination and its source's manifests read. Listing tags
// and reading manifests are GETs against the source registries, `jobs` at a time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/image/image.h"
#include "engine/image/reference.h"
#include "engine/registry/registry_options.h"
#include "engine/sync/sync.h"
#include "engine/util/error.h"

namespace layerpush::engine {

struct PlannedImage {
  Reference source;       // host, repository and tag ("" tag: its tags could not be listed)
  Reference destination;  // host, repository and tag
  std::vector<Platform> platforms;
  std::optional<Image> image{};    // the source's manifests; blobs are read when sent
  std::string digest{};            // of the manifest the destination tag will name
  std::optional<Error> failure{};  // why it cannot be copied
};

// How to reach `host` as the config's `registries` section says (defaults otherwise: TLS
// verified, plain http for loopback hosts, docker's config for credentials), with the run's
// retries and timeouts.
RegistryOptions registry_options(const SyncConfig& config, const std::string& host,
                                 const SyncOptions& options);

// The images of options.shard, in config order (tags in select_tags' order), with their
// destinations. Tags are listed where an entry asks for a regex or all tags; a repository whose
// tags cannot be listed becomes one failed entry (without keep_going: throws). Throws
// Error(kInput) when two source images map to one destination tag.
std::vector<PlannedImage> plan_images(const SyncConfig& config, const SyncOptions& options);

// Reads every image's manifests (sets image and digest, or failure), options.jobs at a time.
void read_sources(std::vector<PlannedImage>& images, const SyncConfig& config,
                  const SyncOptions& options);

}  // namespace layerpush::engine
