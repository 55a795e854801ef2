// pax extended header records (POSIX.1-2001): "LEN key=value\n", where LEN counts the whole
// record including its own digits and the newline.
#include <charconv>
#include <string>

#include "io/tar_index.h"
#include "io/tar_internal.h"

namespace layerpush::io::detail {
namespace {

std::uint64_t parse_decimal(std::string_view text, std::string_view what) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw TarError("pax " + std::string(what) + " \"" + std::string(text) + "\" is not a number");
  }
  return value;
}

}  // namespace

void parse_pax_records(std::string_view data, PaxOverrides& out) {
  std::size_t pos = 0;
  // GNU tar pads the header's data with NULs after the last record.
  while (pos < data.size() && data[pos] != '\0') {
    const std::size_t space = data.find(' ', pos);
    if (space == std::string_view::npos) throw TarError("pax record has no length");
    const std::uint64_t length = parse_decimal(data.substr(pos, space - pos), "record length");
    if (length > data.size() - pos || pos + length <= space + 1 || data[pos + length - 1] != '\n') {
      throw TarError("pax record of length " + std::to_string(length) + " at data offset " +
                     std::to_string(pos) + " is malformed");
    }
    const std::string_view record = data.substr(space + 1, pos + length - 1 - (space + 1));
    const std::size_t equals = record.find('=');
    if (equals == std::string_view::npos) throw TarError("pax record has no '='");
    const std::string_view key = record.substr(0, equals);
    const std::string_view value = record.substr(equals + 1);
    if (key == "path") {
      out.path = std::string(value);
    } else if (key == "linkpath") {
      out.linkpath = std::string(value);
    } else if (key == "size") {
      out.size = parse_decimal(value, "size");
    }  // Other keys (times, owners, xattrs) do not change where a member's bytes are.
    pos += length;
  }
}

}  // namespace layerpush::io::detail
