// Writes ustar archives (POSIX.1-1988, the format Go's archive/tar and skopeo read) to a
// ByteSink, streaming each file body: the caller declares a file's size, then writes its bytes.
// Sizes from 8 GiB on use the base-256 size field that GNU tar and Go accept. Entries get fixed
// owner, mode and mtime so archives are reproducible. One archive per object; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tools/mkimage/sink.h"

namespace layerpush::mkimage {

// The fixed modification time of every entry and image: 2024-01-01T00:00:00Z.
inline constexpr std::int64_t kEpoch = 1704067200;
inline constexpr std::string_view kCreated = "2024-01-01T00:00:00Z";

class TarWriter : public ByteSink {
 public:
  explicit TarWriter(ByteSink& out) : out_(out) {}

  // Bytes an entry of `size` bytes takes in the archive: its header plus its padded body.
  static std::uint64_t entry_size(std::uint64_t size) { return 512 + (size + 511) / 512 * 512; }
  // Bytes the end-of-archive marker takes (two zero blocks).
  static constexpr std::uint64_t kEndSize = 1024;

  void add_directory(const std::string& name);  // name ends with '/'
  void add_file(const std::string& name, std::string_view content);
  // Starts a regular file of exactly `size` bytes, to be given through write() and closed with
  // end_file(), which throws if the count differs.
  void begin_file(const std::string& name, std::uint64_t size);
  using ByteSink::write;
  void write(std::span<const std::byte> data) override;
  void end_file();
  void finish();

 private:
  void write_header(const std::string& name, std::uint64_t size, char type, unsigned mode);
  ByteSink& out_;
  std::uint64_t remaining_ = 0;  // bytes still owed to the open file
  std::uint64_t padding_ = 0;    // zero bytes that end_file() adds
  bool open_ = false;
};

}  // namespace layerpush::mkimage
