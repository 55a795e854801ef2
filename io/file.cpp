// File: an owned read-only descriptor. O_CLOEXEC so that programs the tool starts (credential
// helpers) do not inherit layer files.
#include "io/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace layerpush::io {

File File::open_read(const std::string& path) {
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + path);
  return File(fd);
}

File::~File() {
  // A read-only descriptor has nothing left to flush, so close() errors carry no information.
  if (fd_ >= 0) ::close(fd_);
}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

std::uint64_t File::size() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) throw std::system_error(errno, std::generic_category(), "fstat");
  return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace layerpush::io
