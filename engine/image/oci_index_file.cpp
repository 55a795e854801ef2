#include "engine/image/oci_index_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "engine/image/image.h"
#include "engine/util/error.h"
#include "engine/util/file_bytes.h"
#include "engine/util/json_fields.h"

namespace layerpush::engine {
namespace {
using nlohmann::ordered_json;

Error write_error(const std::string& path, int error) {
  return Error(ErrorKind::kLocalRead, "writing " + path + " failed: " + std::strerror(error));
}

std::string ref_name(const ordered_json& descriptor) {
  return descriptor.is_object() && descriptor.contains("annotations")
             ? string_at(descriptor["annotations"], kRefNameAnnotation)
             : std::string();
}

ordered_json descriptor_of(const IndexEntry& entry) {
  ordered_json d{
      {"mediaType", entry.media_type}, {"digest", entry.digest.str()}, {"size", entry.size}};
  if (entry.tag) d["annotations"] = {{kRefNameAnnotation, *entry.tag}};
  return d;
}

// Holds an exclusive flock on a folder for the object's life.
class FolderLock {
 public:
  explicit FolderLock(const std::string& dir)
      : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) {
      const int error = errno;
      if (fd_ >= 0) ::close(fd_);
      throw Error(ErrorKind::kLocalRead, "locking " + dir + " failed: " + std::strerror(error));
    }
  }
  ~FolderLock() { ::close(fd_); }  // closing releases the lock
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Whole file to a temporary sibling, fsync, rename, fsync the folder: after a crash the index
// is the old one or the new one, never a mix.
void replace_file(const std::string& dir, int dir_fd, const std::string& name,
                  const std::string& bytes) {
  std::string temp = dir + "/." + name + "-XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) throw write_error(temp, errno);
  ::fchmod(fd, 0644);
  std::size_t done = 0;
  int error = 0;
  while (done < bytes.size() && error == 0) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n >= 0)
      done += static_cast<std::size_t>(n);
    else if (errno != EINTR)
      error = errno;
  }
  if (error == 0 && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  const std::string path = dir + "/" + name;
  if (error == 0 && ::rename(temp.c_str(), path.c_str()) != 0) error = errno;
  if (error != 0) {
    ::unlink(temp.c_str());
    throw write_error(path, error);
  }
  ::fsync(dir_fd);  // the rename itself; a failure here loses nothing a reader could see
}
}  // namespace

ordered_json read_index_file(const std::string& dir) {
  const std::string path = dir + "/index.json";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return ordered_json{{"schemaVersion", 2},
                        {"mediaType", media_type::kOciIndex},
                        {"manifests", ordered_json::array()}};
  auto index = ordered_json::parse(read_small_file(path), nullptr, /*allow_exceptions=*/false);
  if (index.is_discarded() || !index.is_object())
    throw Error(ErrorKind::kInput, path + " is not a JSON object; it was left as it is");
  if (!index.contains("manifests") || !index["manifests"].is_array())
    throw Error(ErrorKind::kInput, path + " has no manifests list; it was left as it is");
  return index;
}

ordered_json index_with(ordered_json index, const IndexEntry& entry, bool no_clobber,
                        const std::string& where) {
  auto& manifests = index["manifests"];
  const std::string digest = entry.digest.str();
  if (!entry.tag) {
    for (const auto& d : manifests)
      if (string_at(d, "digest") == digest) return index;
    manifests.push_back(descriptor_of(entry));
    return index;
  }
  // The first descriptor of the tag is replaced in its place; any further ones are dropped.
  ordered_json kept = ordered_json::array();
  bool placed = false;
  for (auto& d : manifests) {
    if (ref_name(d) != *entry.tag) {
      kept.push_back(std::move(d));
      continue;
    }
    if (string_at(d, "digest") == digest && !placed) {
      kept.push_back(std::move(d));  // already there: leave its other fields as they are
      placed = true;
      continue;
    }
    if (string_at(d, "digest") != digest && no_clobber)
      throw Error(ErrorKind::kTagTaken, where + " already names " + string_at(d, "digest") +
                                            "; left as it is (--no-clobber)");
    if (!placed) kept.push_back(descriptor_of(entry));
    placed = true;
  }
  if (!placed) kept.push_back(descriptor_of(entry));
  manifests = std::move(kept);
  return index;
}

void add_to_index_file(const std::string& dir, const IndexEntry& entry, bool no_clobber) {
  const FolderLock lock(dir);
  const auto before = read_index_file(dir);
  const std::string where = "oci:" + dir + (entry.tag ? ":" + *entry.tag : "");
  const auto after = index_with(before, entry, no_clobber, where);
  if (after == before && std::filesystem::exists(dir + "/index.json")) return;
  replace_file(dir, lock.fd(), "index.json", after.dump());
}

}  // namespace layerpush::engine
