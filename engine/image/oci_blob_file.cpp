#include "engine/image/oci_blob_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "engine/util/error.h"
#include "hashing/sha256.h"

namespace layerpush::engine {
namespace {

Error write_error(const std::string& path, int error) {
  return Error(ErrorKind::kLocalRead, "writing " + path + " failed: " + std::strerror(error));
}

// A temporary file beside the blob's final name; removed unless committed.
class TempBlobFile {
 public:
  explicit TempBlobFile(const std::string& blobs_dir) : path_(blobs_dir + "/.tmp-XXXXXX") {
    fd_ = ::mkostemp(path_.data(), O_CLOEXEC);
    if (fd_ < 0) throw write_error(path_, errno);
    ::fchmod(fd_, 0644);  // as skopeo leaves blobs; mkstemp's 0600 would hide them from others
  }
  ~TempBlobFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(path_.c_str());
  }
  TempBlobFile(const TempBlobFile&) = delete;
  TempBlobFile& operator=(const TempBlobFile&) = delete;

  void write(std::span<const std::byte> bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw write_error(path_, errno);
      bytes = bytes.subspan(static_cast<std::size_t>(n));
    }
  }
  // fsync before the rename, so a crash never leaves a named blob with lost bytes.
  void commit(const std::string& final_path) {
    if (::fsync(fd_) != 0) throw write_error(path_, errno);
    if (::close(std::exchange(fd_, -1)) != 0) throw write_error(path_, errno);
    if (::rename(path_.c_str(), final_path.c_str()) != 0) throw write_error(final_path, errno);
    committed_ = true;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool committed_ = false;
};

void check(const ImageBlob& blob, const ProducedBlob& produced) {
  if (blob.digest && produced.digest != *blob.digest)
    throw Error(ErrorKind::kCorrupt, blob.role + " " + blob.digest->str() + " is corrupt: read " +
                                         produced.digest.str());
  if (blob.size && produced.size != *blob.size)
    throw Error(ErrorKind::kCorrupt, blob.role + " " + produced.digest.str() +
                                         " is corrupt: expected " + std::to_string(*blob.size) +
                                         " bytes, read " + std::to_string(produced.size));
  if (blob.expected_raw_digest && produced.raw_digest != *blob.expected_raw_digest)
    throw Error(ErrorKind::kCorrupt, blob.role + " is corrupt: its config expects diff_id " +
                                         blob.expected_raw_digest->str() + ", read " +
                                         produced.raw_digest.str());
}

std::string blob_path(const std::string& blobs_dir, const hashing::Digest& digest) {
  return blobs_dir + "/" + std::string(digest.hex());
}
}  // namespace

bool blob_file_present(const std::string& blobs_dir, const hashing::Digest& digest,
                       std::uint64_t size) {
  struct stat st {};
  return ::stat(blob_path(blobs_dir, digest).c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         static_cast<std::uint64_t>(st.st_size) == size;
}

std::optional<StoredBlob> store_blob(const std::string& blobs_dir, const ImageBlob& blob,
                                     const BlobFill& fill) {
  TempBlobFile temp(blobs_dir);
  const auto produced = fill([&](std::span<const std::byte> piece) {
    temp.write(piece);
    return true;
  });
  if (!produced) return std::nullopt;
  check(blob, *produced);
  // Known only now for a layer compressed on the fly; the same bytes may be there already.
  if (blob_file_present(blobs_dir, produced->digest, produced->size))
    return StoredBlob{produced->digest, produced->size, false};
  temp.commit(blob_path(blobs_dir, produced->digest));
  return StoredBlob{produced->digest, produced->size, true};
}

StoredBlob store_bytes(const std::string& blobs_dir, const hashing::Digest& digest,
                       const std::string& bytes) {
  if (blob_file_present(blobs_dir, digest, bytes.size())) return {digest, bytes.size(), false};
  ImageBlob blob;
  blob.role = "manifest";
  blob.digest = digest;
  blob.size = bytes.size();
  const auto stored = store_blob(blobs_dir, blob, [&](const BlobSink& sink) {
    const auto span = std::as_bytes(std::span(bytes.data(), bytes.size()));
    sink(span);
    const auto actual = hashing::sha256_of(span);
    return std::optional<ProducedBlob>(ProducedBlob{actual, bytes.size(), actual});
  });
  return *stored;
}

}  // namespace layerpush::engine
