#include "tools/mkimage/tar_writer.h"

#include <array>
#include <cstring>
#include <stdexcept>

namespace layerpush::mkimage {
namespace {

using Block = std::array<char, 512>;

// Writes `value` as zero-padded octal filling `width - 1` digits and a NUL, as ustar wants.
void put_octal(char* field, std::size_t width, std::uint64_t value) {
  field[width - 1] = '\0';
  for (std::size_t i = width - 1; i-- > 0; value >>= 3)
    field[i] = static_cast<char>('0' + (value & 7));
}

void put_size(char* field, std::uint64_t size) {
  if (size < (std::uint64_t{1} << 33)) return put_octal(field, 12, size);
  // Base-256: high bit of the first byte set, the number big-endian in the rest.
  std::memset(field, 0, 12);
  field[0] = static_cast<char>(0x80);
  for (int i = 11; i >= 4; --i, size >>= 8) field[i] = static_cast<char>(size & 0xff);
}

// Splits a long path into ustar's prefix (155) and name (100) fields at a '/'.
void put_name(Block& b, const std::string& path) {
  if (path.size() <= 100) return (void)std::memcpy(b.data(), path.data(), path.size());
  // The rightmost '/' that fits the prefix leaves the shortest name; if that name is still too
  // long, no split works.
  std::size_t cut = path.rfind('/', 155);
  if (cut == std::string::npos || cut == 0 || path.size() - cut - 1 > 100 ||
      path.size() - cut - 1 == 0)
    throw std::invalid_argument("path too long for a ustar header: " + path);
  std::memcpy(b.data() + 345, path.data(), cut);
  std::memcpy(b.data(), path.data() + cut + 1, path.size() - cut - 1);
}

}  // namespace

void TarWriter::write_header(const std::string& name, std::uint64_t size, char type,
                             unsigned mode) {
  if (open_) throw std::logic_error("tar: new entry before end_file()");
  Block b{};
  put_name(b, name);
  put_octal(b.data() + 100, 8, mode);
  put_octal(b.data() + 108, 8, 0);  // uid
  put_octal(b.data() + 116, 8, 0);  // gid
  put_size(b.data() + 124, size);
  put_octal(b.data() + 136, 12, kEpoch);
  b[156] = type;
  std::memcpy(b.data() + 257, "ustar", 6);  // magic with its NUL
  std::memcpy(b.data() + 263, "00", 2);
  std::memcpy(b.data() + 265, "root", 4);
  std::memcpy(b.data() + 297, "root", 4);
  // The checksum is computed with its own field read as spaces.
  std::memset(b.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (char c : b) sum += static_cast<unsigned char>(c);
  put_octal(b.data() + 148, 7, sum);  // six digits and a NUL, then a space, as Go writes it
  b[155] = ' ';
  out_.write(std::as_bytes(std::span(b)));
}

void TarWriter::add_directory(const std::string& name) { write_header(name, 0, '5', 0755); }

void TarWriter::add_file(const std::string& name, std::string_view content) {
  begin_file(name, content.size());
  ByteSink::write(content);
  end_file();
}

void TarWriter::begin_file(const std::string& name, std::uint64_t size) {
  write_header(name, size, '0', 0644);
  open_ = true;
  remaining_ = size;
  padding_ = (512 - size % 512) % 512;
}

void TarWriter::write(std::span<const std::byte> data) {
  if (!open_ || data.size() > remaining_) throw std::logic_error("tar: file body overruns size");
  remaining_ -= data.size();
  out_.write(data);
}

void TarWriter::end_file() {
  if (!open_ || remaining_ != 0) throw std::logic_error("tar: file body shorter than its size");
  static const Block zeros{};
  out_.write(std::as_bytes(std::span(zeros.data(), padding_)));
  open_ = false;
}

void TarWriter::finish() {
  static const std::array<char, kEndSize> zeros{};
  if (open_) throw std::logic_error("tar: finish() with a file open");
  out_.write(std::as_bytes(std::span(zeros)));
}

}  // namespace layerpush::mkimage
