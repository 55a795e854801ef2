#include "io/mapped_range.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22  // Linux 5.14; older headers lack it
#endif

namespace layerpush::io {
namespace {

std::uintptr_t page_size() {
  static const auto size = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  return size;
}

// 0, or the errno of making [p, p + n) resident.
int populate(std::byte* p, std::size_t n) {
  const std::uintptr_t start = reinterpret_cast<std::uintptr_t>(p) & ~(page_size() - 1);
  const std::uintptr_t end = reinterpret_cast<std::uintptr_t>(p) + n;
  if (::madvise(reinterpret_cast<void*>(start), end - start, MADV_POPULATE_READ) == 0) return 0;
  return errno;
}

}  // namespace

std::optional<MappedRange> MappedRange::map(int fd, std::uint64_t offset, std::uint64_t length) {
  if (length == 0) return std::nullopt;
  const std::uint64_t skip = offset % page_size();
  const std::size_t mapped = static_cast<std::size_t>(skip + length);
  void* base =
      ::mmap(nullptr, mapped, PROT_READ, MAP_SHARED, fd, static_cast<off_t>(offset - skip));
  if (base == MAP_FAILED) return std::nullopt;
  ::madvise(base, mapped, MADV_SEQUENTIAL);  // read ahead further, drop behind sooner
  MappedRange range(static_cast<std::byte*>(base), mapped, static_cast<std::size_t>(skip), length);
  // A kernel without MADV_POPULATE_READ says EINVAL: such a mapping could only fail by SIGBUS.
  if (populate(range.base_ + range.skip_, 1) == EINVAL) return std::nullopt;
  return range;
}

MappedRange::MappedRange(MappedRange&& other) noexcept
    : base_(std::exchange(other.base_, nullptr)),
      mapped_(other.mapped_),
      skip_(other.skip_),
      length_(other.length_) {}

MappedRange::~MappedRange() {
  if (base_) ::munmap(base_, mapped_);
}

std::span<const std::byte> MappedRange::window(std::uint64_t at, std::size_t n) const {
  if (at >= length_) return {};
  n = static_cast<std::size_t>(std::min<std::uint64_t>(n, length_ - at));
  std::byte* p = base_ + skip_ + at;
  // EFAULT: the pages are past the file's end now, where a read would raise SIGBUS.
  if (const int error = populate(p, n); error != 0)
    throw std::system_error(error == EFAULT ? EIO : error, std::generic_category(),
                            "the file ends before the range does");
  return {p, n};
}

}  // namespace layerpush::io
