// TempDir and built_program: the file-system half of process.h.
#include <stdlib.h>

#include <cerrno>
#include <system_error>

#include "tests/support/process.h"

namespace layerpush::testing {

TempDir::TempDir(const std::string& prefix) {
  std::string pattern = "/tmp/" + prefix + "-XXXXXX";
  if (!::mkdtemp(pattern.data()))
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  // A destructor must not throw; a folder left behind in /tmp is harmless.
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::filesystem::path built_program(const std::string& name) {
  return std::filesystem::path(LAYERPUSH_BINARY_DIR) / "tools" / name;
}

}  // namespace layerpush::testing
