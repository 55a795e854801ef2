// An open read-only file descriptor that closes itself. Move-only.
#pragma once

#include <cstdint>
#include <string>

namespace layerpush::io {

class File {
 public:
  // Throws std::system_error naming the path when the file cannot be opened.
  static File open_read(const std::string& path);
  File() = default;
  ~File();
  File(File&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  int fd() const { return fd_; }
  std::uint64_t size() const;  // fstat; throws std::system_error

 private:
  explicit File(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace layerpush::io
