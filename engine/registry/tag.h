// Adds a tag to an image already in a registry by putting its manifest again under the new tag:
// the manifest is read back byte for byte with its media type, and no blob is read or sent. A
// tag adds, never moves: one that already points at another manifest is left alone unless
// forced. tag_image() runs on the calling thread and returns when it is done.
#pragma once

#include <cstdint>
#include <string>

#include "engine/image/reference.h"
#include "engine/registry/registry_options.h"
#include "hashing/digest.h"

namespace layerpush::engine {

struct TagOptions : RegistryOptions {
  bool force = false;  // move a tag that points at another manifest
};

enum class TagAction {
  kAdded,      // the tag did not exist; it was put
  kMoved,      // it pointed at another manifest (previous_digest); with force, it was put
  kUnchanged,  // it already pointed at this manifest; nothing was put
};

struct TagReport {
  std::string source;     // the normalized REF
  std::string reference;  // HOST/REPO:NEWTAG
  std::string manifest_digest;
  std::uint64_t manifest_size = 0;
  std::string media_type;
  TagAction action = TagAction::kAdded;
  std::string previous_digest;  // with kMoved, what the tag pointed at before
  std::uint64_t requests = 0;
  double seconds = 0;
};

// Throws engine::Error: kUsage for a `new_tag` that breaks the tag rule (before any traffic),
// kRegistry for a source the registry does not have (naming host, repository and REF),
// kTagTaken for a tag that points elsewhere without options.force.
TagReport tag_image(const Reference& source, const std::string& new_tag, const TagOptions& options);

// "tag v2 on HOST/REPO already points at sha256:…": how a refusal to move a tag begins, for
// `tag` and `push --no-clobber` alike; each ends it with what the user may do.
std::string tag_points_elsewhere(const std::string& where, const std::string& tag,
                                 const hashing::Digest& current);

}  // namespace layerpush::engine
