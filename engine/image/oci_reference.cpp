#include "engine/image/oci_reference.h"

namespace layerpush::engine {

OciReference split_oci_reference(std::string_view rest) {
  if (auto at = rest.rfind("@sha256:"); at != std::string_view::npos)
    return {std::string(rest.substr(0, at)), std::string(rest.substr(at + 1))};
  auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.find('/', colon) == std::string_view::npos)
    return {std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
  return {std::string(rest), std::nullopt};
}

}  // namespace layerpush::engine
