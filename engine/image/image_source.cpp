#include "engine/image/image_source.h"

#include <filesystem>
#include <optional>
#include <string>

#include "engine/image/docker_archive.h"
#include "engine/image/oci_layout.h"
#include "engine/image/oci_reference.h"
#include "engine/util/error.h"

namespace layerpush::engine {
namespace {
namespace fs = std::filesystem;

struct PathAndSelector {
  std::string path;
  std::optional<std::string> selector;
};

// "FILE:REF" where REF may itself hold a colon ("app:1.0"): the path is the shortest prefix,
// ending before a colon, that names an existing file.
PathAndSelector split_archive(std::string_view rest) {
  std::error_code ec;
  for (auto colon = rest.find(':'); colon != std::string_view::npos; colon = rest.find(':', colon + 1)) {
    const std::string path(rest.substr(0, colon));
    if (fs::is_regular_file(path, ec)) return {path, std::string(rest.substr(colon + 1))};
  }
  return {std::string(rest), std::nullopt};
}
}  // namespace

Image load_source(std::string_view spec) {
  if (spec.starts_with("oci:")) {
    auto [dir, selector] = split_oci_reference(spec.substr(4));
    return load_oci_layout(dir, selector);
  }
  if (spec.starts_with("docker-archive:")) {
    auto [file, selector] = split_archive(spec.substr(15));
    return load_docker_archive(file, selector);
  }
  if (auto colon = spec.find("://"); colon != std::string_view::npos || spec.starts_with("docker:"))
    throw Error(ErrorKind::kInput, "source \"" + std::string(spec) +
                                       "\" is not supported by push; give oci:DIR, "
                                       "docker-archive:FILE or a path");
  const std::string path(spec);
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (fs::exists(fs::path(path) / "oci-layout", ec)) return load_oci_layout(path, std::nullopt);
    throw Error(ErrorKind::kInput, "folder " + path + " is not an OCI image layout: it has no oci-layout file");
  }
  if (fs::is_regular_file(path, ec)) return load_docker_archive(path, std::nullopt);
  throw Error(ErrorKind::kInput, "source " + path + " does not exist");
}

}  // namespace layerpush::engine
