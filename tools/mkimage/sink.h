// Byte sinks that layerpush-mkimage chains together to stream a blob to disk exactly once:
// tar writer -> hash (diff_id) -> [gzip -> hash (digest)] -> buffered file. Nothing holds a whole
// layer in memory. Each object serves one stream on one thread; none is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "hashing/sha256.h"

namespace layerpush::mkimage {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(std::span<const std::byte> data) = 0;
  void write(std::string_view text) { write(std::as_bytes(std::span(text.data(), text.size()))); }
};

// Writes to a new file (truncating an old one) through a 1 MiB buffer, so the many small writes
// of tar headers do not each become a system call. Throws std::system_error on failure.
class FileSink : public ByteSink {
 public:
  explicit FileSink(const std::filesystem::path& path);
  ~FileSink() override;  // closes without reporting errors; call close() to see them
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  using ByteSink::write;
  void write(std::span<const std::byte> data) override;
  void close();

 private:
  void flush();
  void write_all(std::span<const std::byte> data);
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::byte> buffer_;
  std::size_t used_ = 0;
};

// Passes bytes on unchanged while hashing and counting them.
class HashingSink : public ByteSink {
 public:
  explicit HashingSink(ByteSink& next) : next_(next) {}
  using ByteSink::write;
  void write(std::span<const std::byte> data) override;
  std::uint64_t size() const { return size_; }
  hashing::Digest finish() { return hasher_.finish(); }

 private:
  ByteSink& next_;
  hashing::Sha256 hasher_;
  std::uint64_t size_ = 0;
};

// Writes a small file in one go (JSON documents), replacing any old one.
void write_file(const std::filesystem::path& path, std::string_view content);

}  // namespace layerpush::mkimage
