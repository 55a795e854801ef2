// One 512-byte tar header block: checksum, numeric fields, and the ustar name prefix.
// Layout (offset, length): name 0/100, size 124/12, chksum 148/8, typeflag 156/1,
// linkname 157/100, magic 257/6, prefix 345/155.
#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "io/tar_index.h"
#include "io/tar_internal.h"

namespace layerpush::io {
namespace {

std::string field_text(std::span<const std::byte, 512> block, std::size_t at, std::size_t len) {
  const char* begin = reinterpret_cast<const char*>(block.data()) + at;
  return std::string(begin, strnlen(begin, len));
}

// The checksum treats its own field as eight spaces. Historic tars summed signed chars, so
// both sums are accepted, as GNU tar does.
bool checksum_matches(std::span<const std::byte, 512> block, std::uint64_t stored) {
  std::uint64_t unsigned_sum = 0;
  std::int64_t signed_sum = 0;
  for (std::size_t i = 0; i < 512; ++i) {
    const bool in_field = i >= 148 && i < 156;
    const auto byte = in_field ? std::byte{' '} : block[i];
    unsigned_sum += static_cast<unsigned char>(byte);
    signed_sum += static_cast<signed char>(byte);
  }
  return stored == unsigned_sum || static_cast<std::int64_t>(stored) == signed_sum;
}

}  // namespace

std::optional<TarHeader> parse_tar_header(std::span<const std::byte, 512> block) {
  if (std::all_of(block.begin(), block.end(), [](std::byte b) { return b == std::byte{0}; })) {
    return std::nullopt;
  }
  const std::uint64_t stored = detail::parse_tar_number(block.subspan(148, 8), "checksum");
  if (!checksum_matches(block, stored)) {
    throw TarError("header checksum " + std::to_string(stored) +
                   " does not match the header's bytes (not a tar archive, or corrupt)");
  }
  TarHeader header;
  header.name = field_text(block, 0, 100);
  // Only POSIX ustar ("ustar\0") has a prefix; GNU ("ustar  \0") keeps times in that space.
  if (std::memcmp(block.data() + 257, "ustar\0", 6) == 0) {
    std::string prefix = field_text(block, 345, 155);
    if (!prefix.empty()) header.name = prefix + "/" + header.name;
  }
  const char type = static_cast<char>(block[156]);
  header.type = type == '\0' ? '0' : type;  // pre-POSIX archives mark regular files with NUL
  header.size = detail::parse_tar_number(block.subspan(124, 12), "size");
  header.link_target = field_text(block, 157, 100);
  return header;
}

namespace detail {

std::uint64_t parse_tar_number(std::span<const std::byte> field, std::string_view what) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(field[i]); };
  std::uint64_t value = 0;
  if (at(0) & 0x80) {  // GNU base-256, big-endian, two's complement
    if (at(0) & 0x40) throw TarError(std::string(what) + " field is negative");
    value = at(0) & 0x3f;
    for (std::size_t i = 1; i < field.size(); ++i) {
      if (value > (kMax >> 8)) throw TarError(std::string(what) + " field overflows 64 bits");
      value = (value << 8) | at(i);
    }
    return value;
  }
  std::size_t i = 0;
  while (i < field.size() && at(i) == ' ') ++i;
  for (; i < field.size() && at(i) >= '0' && at(i) <= '7'; ++i) {
    if (value > (kMax >> 3)) throw TarError(std::string(what) + " field overflows 64 bits");
    value = (value << 3) | (at(i) - '0');
  }
  for (; i < field.size(); ++i) {
    if (at(i) != ' ' && at(i) != '\0') {
      throw TarError(std::string(what) + " field holds '" + static_cast<char>(at(i)) +
                     "', which is not an octal digit");
    }
  }
  return value;
}

}  // namespace detail
}  // namespace layerpush::io
