// The index.json of an OCI image layout, as a copy into the layout changes it: one manifest
// added under a tag (an older manifest of that tag is replaced in its place, as skopeo does) or
// untagged, every other entry and field kept. The file is replaced whole (temporary file, fsync,
// rename) under an flock on the layout folder, so readers see the old or the new index and two
// writers never lose each other's entries. Safe from any thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "hashing/digest.h"

namespace layerpush::engine {

inline constexpr const char* kRefNameAnnotation = "org.opencontainers.image.ref.name";

struct IndexEntry {
  std::string media_type;
  hashing::Digest digest;
  std::uint64_t size = 0;
  std::optional<std::string> tag;
};

// DIR/index.json parsed, or an empty index when there is none. Throws engine::Error(kInput)
// naming the file when it is not an index (not JSON, no manifests list).
nlohmann::ordered_json read_index_file(const std::string& dir);

// Pure: `index` with `entry` in it. A tag that names another manifest is moved to this one, or
// with `no_clobber` left alone: engine::Error(kTagTaken) naming `where` ("oci:DIR:TAG"). Without
// a tag the manifest is added unless the index lists its digest already.
nlohmann::ordered_json index_with(nlohmann::ordered_json index, const IndexEntry& entry,
                                  bool no_clobber, const std::string& where);

// Reads, changes and replaces DIR/index.json; the manifest and its blobs must be in place
// already. Throws engine::Error: kInput, kTagTaken as above, kLocalRead naming the path when it
// cannot be written.
void add_to_index_file(const std::string& dir, const IndexEntry& entry, bool no_clobber);

}  // namespace layerpush::engine
