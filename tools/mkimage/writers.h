// The two output formats of layerpush-mkimage. Each writes the whole image (or archive) and
// returns the JSON report printed on stdout. Throws on I/O errors. Run one at a time.
#pragma once

#include <string>

#include "tools/mkimage/options.h"

namespace layerpush::mkimage {

// OCI image layout in the folder options.out:
// {"manifest_digest","manifest_size","config_digest","layers":[{"digest","size","diff_id"}]}
std::string write_oci_layout(const Options& options);

// `docker save` legacy archive at options.out, holding options.images images that share layer 0:
// {"images":[{"repo_tag","config_digest","diff_ids":[...],"layer_ids":[...]}]}
std::string write_docker_archive(const Options& options);

}  // namespace layerpush::mkimage
