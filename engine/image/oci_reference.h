// How "oci:" arguments name an image in an OCI image layout: "DIR[:TAG|@sha256:…]", split the
// same way for a copy's source and its destination. Pure; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace layerpush::engine {

struct OciReference {
  std::string dir;
  std::optional<std::string> selector;  // a tag (ref.name) or "sha256:…"
};

// `rest` is what follows "oci:". The selector is what follows "@sha256:", else the last ':' when
// no '/' comes after it (a folder may contain colons, a tag may not contain slashes).
OciReference split_oci_reference(std::string_view rest);

}  // namespace layerpush::engine
