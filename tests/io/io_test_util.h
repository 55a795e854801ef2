// Helpers for the io tests: a temporary folder, files of known bytes, and reading whole ranges
// back. Header-only so the io tests need nothing beyond layerpush_io.
//
// Thread-safety: none needed; each test owns its objects.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "io/range_reader.h"

namespace layerpush::io::test {

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "layerpush-io-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempFolder() {
    std::error_code ignored;  // a leftover temp folder is not worth failing a test over
    std::filesystem::remove_all(path_, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Bytes from a 64-bit LCG: no period lines up with a buffer size, so a buffer delivered out of
// order or at the wrong offset cannot compare equal by accident.
inline std::vector<std::byte> pattern_bytes(std::size_t size, std::uint64_t seed = 1) {
  std::vector<std::byte> out(size);
  std::uint64_t state = seed;
  for (auto& b : out) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    b = static_cast<std::byte>(state >> 56);
  }
  return out;
}

inline void write_file(const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

// Every buffer of the range, concatenated, plus the size of each buffer.
struct Collected {
  std::vector<std::byte> bytes;
  std::vector<std::size_t> sizes;
};

inline Collected read_all(RangeReader& reader, int fd, std::uint64_t offset, std::uint64_t length) {
  Collected got;
  reader.read(fd, offset, length, [&](std::span<const std::byte> buffer) {
    got.bytes.insert(got.bytes.end(), buffer.begin(), buffer.end());
    got.sizes.push_back(buffer.size());
    return true;
  });
  return got;
}

inline std::string as_text(const std::vector<std::byte>& bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace layerpush::io::test
