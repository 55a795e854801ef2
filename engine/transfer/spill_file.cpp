#include "engine/transfer/spill_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

#include "engine/image/file_range_source.h"

namespace layerpush::engine {

std::shared_ptr<const BlobSource> SpillFile::source(std::shared_ptr<const SpillFile> spill,
                                                    std::uint64_t length) {
  FileRange range{spill->path(), 0, length, /*hashed_when_written=*/true};
  return std::make_shared<const FileRangeSource>(std::move(range), std::move(spill));
}

std::shared_ptr<SpillFile> SpillFile::create() {
  const char* dir = std::getenv("TMPDIR");
  std::string pattern = std::string(dir && *dir ? dir : "/var/tmp") + "/layerpush-spill-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) return nullptr;
  ::unlink(name.data());
  auto file = std::shared_ptr<SpillFile>(new SpillFile(fd));
  // Readers open it again through /proc; without /proc (some chroots) there is no spilling.
  if (::access(file->path().c_str(), R_OK) != 0) return nullptr;
  return file;
}

SpillFile::~SpillFile() { ::close(fd_); }

bool SpillFile::append(std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return true;
}

std::string SpillFile::path() const { return "/proc/self/fd/" + std::to_string(fd_); }

}  // namespace layerpush::engine
