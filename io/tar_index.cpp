// TarIndex::read: walks the archive header by header with pread, skipping member data, and folds
// GNU long-name ('L', 'K') and pax ('x') headers into the member that follows them.
#include "io/tar_index.h"

#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>
#include <system_error>

#include "io/tar_internal.h"

namespace layerpush::io {
namespace {

using detail::kTarBlock;

// Names and pax records are small; a bigger extended header means a corrupt size field, and
// reading it whole would be an allocation the archive's author controls.
constexpr std::uint64_t kMaxExtendedHeader = 8 << 20;

std::string at_byte(std::uint64_t offset) { return " at byte " + std::to_string(offset); }

void read_exact(int fd, std::uint64_t offset, char* out, std::size_t length) {
  for (std::size_t got = 0; got < length;) {
    const ssize_t n = ::pread(fd, out + got, length - got, static_cast<off_t>(offset + got));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0)
      throw std::system_error(errno, std::generic_category(),
                              "reading tar" + at_byte(offset + got));
    if (n == 0) throw TarError("tar archive ends early" + at_byte(offset + got));
    got += static_cast<std::size_t>(n);
  }
}

// The text of an extended header, without the NUL padding GNU tar adds after long names.
std::string read_extended(int fd, std::uint64_t offset, std::uint64_t size) {
  if (size > kMaxExtendedHeader) {
    throw TarError("tar extended header" + at_byte(offset) + " claims " + std::to_string(size) +
                   " bytes, more than the 8 MiB allowed");
  }
  std::string text(size, '\0');
  read_exact(fd, offset, text.data(), text.size());
  return text;
}

struct Pending {  // what extended headers said about the next member
  std::optional<std::string> long_name, long_link;
  detail::PaxOverrides pax;
};

TarMember make_member(const TarHeader& header, std::uint64_t data_offset, std::uint64_t size,
                      Pending& pending) {
  TarMember member;
  member.name = pending.pax.path.value_or(pending.long_name.value_or(header.name));
  member.type = header.type;
  member.data_offset = data_offset;
  member.size = size;
  member.link_target =
      pending.pax.linkpath.value_or(pending.long_link.value_or(header.link_target));
  if (member.type == '1') member.link_target = detail::normalize_tar_name(member.link_target);
  pending = Pending{};
  return member;
}

}  // namespace

TarIndex TarIndex::read(int fd, std::uint64_t file_size) {
  std::vector<TarMember> members;
  Pending pending;
  std::array<std::byte, kTarBlock> block;
  std::uint64_t pos = 0;
  // An archive may stop right after its last member without the two zero blocks; tar accepts
  // that, and so does the index (unless an extended header was left without its member).
  while (pos < file_size || pending.long_name || pending.long_link || pending.pax.path ||
         pending.pax.linkpath || pending.pax.size) {
    if (file_size - pos < kTarBlock) {
      throw TarError("tar archive is truncated" + at_byte(pos) + ": a header needs 512 bytes, " +
                     std::to_string(file_size - pos) + " remain");
    }
    read_exact(fd, pos, reinterpret_cast<char*>(block.data()), block.size());
    std::optional<TarHeader> header;
    try {
      header = parse_tar_header(block);
    } catch (const TarError& e) {
      throw TarError("tar header" + at_byte(pos) + ": " + e.what());
    }
    if (!header) break;  // end-of-archive block
    const bool extended =
        header->type == 'L' || header->type == 'K' || header->type == 'x' || header->type == 'g';
    const std::uint64_t size = extended ? header->size : pending.pax.size.value_or(header->size);
    const std::uint64_t data_offset = pos + kTarBlock;
    const std::uint64_t padded = (size + kTarBlock - 1) / kTarBlock * kTarBlock;
    if (size > file_size - data_offset || padded > file_size - data_offset) {
      throw TarError("tar archive is truncated: member \"" + header->name + "\"" + at_byte(pos) +
                     " has " + std::to_string(size) + " bytes of data, but the archive ends at " +
                     std::to_string(file_size));
    }
    if (header->type == 'L') {
      pending.long_name = read_extended(fd, data_offset, size).c_str();  // drop NUL padding
    } else if (header->type == 'K') {
      pending.long_link = read_extended(fd, data_offset, size).c_str();
    } else if (header->type == 'x') {
      try {
        detail::parse_pax_records(read_extended(fd, data_offset, size), pending.pax);
      } catch (const TarError& e) {
        throw TarError("tar pax header" + at_byte(pos) + ": " + e.what());
      }
    } else if (header->type != 'g') {  // global pax headers hold nothing the index uses
      members.push_back(make_member(*header, data_offset, size, pending));
    }
    pos = data_offset + padded;
  }
  return from_members(std::move(members));
}

}  // namespace layerpush::io
