#include "engine/compress/isal_stream.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace layerpush::engine {
namespace {

// The hash reads address bits 16 and up: every address in one 64 KiB window hashes alike.
constexpr std::uintptr_t kWindow = std::uintptr_t{1} << 16;
// About one window in 8,192 hashes right (one per 512 MiB of addresses, on average); this many
// (256 GiB) are tried at most, passing over those in use.
constexpr std::uintptr_t kWindowsToScan = std::uintptr_t{1} << 22;

std::size_t mapping_size() {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return (sizeof(isal_zstream) + page - 1) / page * page;
}

// Maps `size` bytes at exactly `at`, or returns false if anything is there already.
bool map_exactly(std::uintptr_t at, std::size_t size) {
  void* wanted = reinterpret_cast<void*>(at);
  void* got = mmap(wanted, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (got == MAP_FAILED) return false;
  if (got != wanted) {  // a kernel before 4.17 takes the flag as a mere hint
    munmap(got, size);
    return false;
  }
  return true;
}

}  // namespace

std::uint32_t stream_address_hash(std::uintptr_t address) {
  // CRC-32C, reflected polynomial 0x82F63B78, of the 32-bit word as the instruction takes it.
  std::uint32_t crc = static_cast<std::uint32_t>(address >> 16);
  for (int bit = 0; bit < 32; ++bit) crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1u)));
  return crc;
}

void UnmapIsalStream::operator()(isal_zstream* stream) const { munmap(stream, mapping_size()); }

IsalStream make_isal_stream() {
  const std::size_t size = mapping_size();
  // Start where the kernel would put a new mapping now, and go down from there: the free part
  // of the address space lies below it.
  void* probe = mmap(nullptr, kWindow, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (probe == MAP_FAILED)
    throw std::runtime_error(std::string("gzip compression: no memory for its stream: ") +
                             std::strerror(errno));
  munmap(probe, kWindow);
  std::uintptr_t window = reinterpret_cast<std::uintptr_t>(probe) & ~(kWindow - 1);
  for (std::uintptr_t scanned = 0; scanned < kWindowsToScan && window > kWindow;
       ++scanned, window -= kWindow) {
    if ((stream_address_hash(window) & kStreamHashMask) != kStreamAddressHash) continue;
    if (map_exactly(window, size)) return IsalStream(reinterpret_cast<isal_zstream*>(window));
  }
  throw std::runtime_error(
      "gzip compression: found no free address for its stream (ISA-L's level-1 encoding "
      "depends on it; engine/compress/isal_stream.h)");
}

}  // namespace layerpush::engine
