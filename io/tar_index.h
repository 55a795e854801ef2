// An index of the members of a tar archive (ustar, GNU and pax formats), so that members can be
// streamed straight from their byte range in the archive without extracting anything.
// Built once, then read-only and safe to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace layerpush::io {

class TarError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TarMember {
  std::string name;               // normalized: no leading "./", no trailing '/'
  char type = '0';                // '0' regular file, '2' symlink, '5' directory, ...
  std::uint64_t data_offset = 0;  // where the member's bytes start in the archive
  std::uint64_t size = 0;
  std::string link_target;  // for symlinks and hard links
};

// Parses one 512-byte header block. Returns nullopt for an all-zero block (end of archive);
// throws TarError for a block whose checksum or numeric fields are invalid. Exposed for tests
// and fuzzing.
struct TarHeader {
  std::string name;  // prefix joined with name for ustar
  char type = '0';
  std::uint64_t size = 0;
  std::string link_target;
};
std::optional<TarHeader> parse_tar_header(std::span<const std::byte, 512> block);

class TarIndex {
 public:
  // Reads every header of the archive open at `fd` (size `file_size`), skipping over member data.
  // Understands GNU long names ('L', 'K'), pax extended headers ('x' path, linkpath, size) and
  // base-256 sizes. Throws TarError (with the byte offset) for a malformed or truncated archive.
  static TarIndex read(int fd, std::uint64_t file_size);
  static TarIndex from_members(std::vector<TarMember> members);

  const std::vector<TarMember>& members() const { return members_; }
  // Finds a regular file by name ("./" prefixes ignored), following symlinks and hard links
  // (relative to the link's folder, at most 16 hops). nullptr if absent.
  const TarMember* find_file(std::string_view name) const;

 private:
  std::vector<TarMember> members_;
  // Normalized name -> index in members_ of the last member so named (a later entry replaces an
  // earlier one, as on extraction). Built with members_, never changed after.
  std::unordered_map<std::string, std::size_t> by_name_;
};

}  // namespace layerpush::io
