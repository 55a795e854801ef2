// Builds tar archives byte by byte for the tar tests, so that each test controls exactly which
// headers an archive holds (GNU long names, pax records, base-256 sizes, broken checksums).
//
// Thread-safety: none; one writer per test.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace layerpush::io::test {

class TarWriter {
 public:
  enum class Magic { kPosix, kGnu, kNone };

  // Appends a header block and returns its offset. `prefix` is the ustar prefix field.
  std::size_t header(std::string_view name, char type, std::uint64_t size,
                     std::string_view link = "", Magic magic = Magic::kPosix,
                     std::string_view prefix = "") {
    const std::size_t at = bytes_.size();
    bytes_.resize(at + 512, '\0');
    char* h = bytes_.data() + at;
    put(h, 0, 100, name);
    std::snprintf(h + 100, 8, "%07o", 0644);
    std::snprintf(h + 124, 12, "%011llo", static_cast<unsigned long long>(size));
    h[156] = type;
    put(h, 157, 100, link);
    if (magic == Magic::kPosix)
      std::memcpy(h + 257,
                  "ustar\0"
                  "00",
                  8);
    if (magic == Magic::kGnu) std::memcpy(h + 257, "ustar  \0", 8);
    put(h, 345, 155, prefix);
    seal(at);
    return at;
  }

  // Appends `data` padded with NULs to a whole number of blocks.
  void data(std::string_view data) {
    bytes_.insert(bytes_.end(), data.begin(), data.end());
    bytes_.resize((bytes_.size() + 511) / 512 * 512, '\0');
  }

  std::size_t file(std::string_view name, std::string_view content) {
    const std::size_t at = header(name, '0', content.size());
    data(content);
    return at;
  }

  // A GNU 'L' (long name) or 'K' (long link) header, NUL-terminated as GNU tar writes it.
  void gnu_long(char type, std::string_view value) {
    header("././@LongLink", type, value.size() + 1, "", Magic::kGnu);
    data(std::string(value) + '\0');
  }

  // A pax 'x' (or 'g') header holding `records`.
  void pax(const std::map<std::string, std::string>& records, char type = 'x') {
    std::string text;
    for (const auto& [key, value] : records) {
      const std::size_t body = 1 + key.size() + 1 + value.size() + 1;  // " key=value\n"
      std::size_t length = body + 1;
      while (std::to_string(length).size() + body != length) ++length;
      text += std::to_string(length) + " " + key + "=" + value + "\n";
    }
    header("PaxHeaders/x", type, text.size());
    data(text);
  }

  void end() { bytes_.resize(bytes_.size() + 1024, '\0'); }

  // Writes GNU base-256 into the size field of the header at `at` and fixes its checksum.
  void set_base256_size(std::size_t at, std::uint64_t size) {
    char* field = bytes_.data() + at + 124;
    std::memset(field, 0, 12);
    field[0] = static_cast<char>(0x80);
    for (int i = 11; i >= 4; --i, size >>= 8) field[i] = static_cast<char>(size & 0xff);
    seal(at);
  }

  // Recomputes the checksum of the header at `at` (after a test changed its bytes).
  void seal(std::size_t at) {
    char* h = bytes_.data() + at;
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; ++i) sum += static_cast<unsigned char>(h[i]);
    std::snprintf(h + 148, 8, "%06o", sum);  // six digits, NUL, then the space left in place
  }

  std::vector<char>& bytes() { return bytes_; }
  std::span<const std::byte, 512> block(std::size_t at) const {
    return std::span<const std::byte, 512>(reinterpret_cast<const std::byte*>(bytes_.data() + at),
                                           512);
  }

 private:
  static void put(char* h, std::size_t at, std::size_t len, std::string_view text) {
    std::memcpy(h + at, text.data(), std::min(len, text.size()));
  }

  std::vector<char> bytes_;
};

}  // namespace layerpush::io::test
