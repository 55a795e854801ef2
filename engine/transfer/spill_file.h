// An unnamed temporary file that holds a layer's compressed bytes between the pass that finds
// their digest and the upload, so each layer is compressed once, not twice. Unlinked as soon as
// it is made: the space comes back when the last descriptor closes, even after a crash. Readers
// open it again by path() (/proc/self/fd/N). It lives on disk, in $TMPDIR or /var/tmp (not /tmp,
// often a tmpfs, where it would take memory).
// Written by one thread, then read by any; move-only.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "engine/image/blob_source.h"

namespace layerpush::engine {

class SpillFile {
 public:
  // nullptr when no temporary file can be made (the caller compresses again instead).
  static std::shared_ptr<SpillFile> create();
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends; false when the disk refuses (full, quota): the caller stops spilling.
  bool append(std::span<const std::byte> bytes);
  std::string path() const;
  // Its first `length` bytes as a blob's source, which keeps the file open while it lives.
  static std::shared_ptr<const BlobSource> source(std::shared_ptr<const SpillFile> spill,
                                                  std::uint64_t length);

 private:
  explicit SpillFile(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace layerpush::engine
