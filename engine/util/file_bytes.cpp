#include "engine/util/file_bytes.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "engine/util/error.h"
#include "io/file.h"

namespace layerpush::engine {
namespace {
io::File open_or_fail(const std::string& path) {
  try {
    return io::File::open_read(path);
  } catch (const std::system_error& e) {
    throw Error(ErrorKind::kInput, "cannot open " + path + ": " + e.code().message());
  }
}
}  // namespace

std::string read_file_range(const std::string& path, std::uint64_t offset, std::uint64_t length,
                            std::uint64_t limit) {
  if (length > limit)
    throw Error(ErrorKind::kInput, path + " holds " + std::to_string(length) +
                                       " bytes where at most " + std::to_string(limit) +
                                       " were expected");
  auto file = open_or_fail(path);
  std::string bytes(length, '\0');
  std::uint64_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(file.fd(), bytes.data() + done, length - done, offset + done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error(ErrorKind::kInput, "cannot read " + path + ": " + std::strerror(errno));
    if (n == 0) throw Error(ErrorKind::kInput, path + " ends before byte " + std::to_string(offset + length));
    done += static_cast<std::uint64_t>(n);
  }
  return bytes;
}

std::string read_small_file(const std::string& path, std::uint64_t limit) {
  auto file = open_or_fail(path);
  return read_file_range(path, 0, file.size(), limit);
}

}  // namespace layerpush::engine
