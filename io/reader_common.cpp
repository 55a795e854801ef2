// The pieces of range_reader.h that do not depend on a backend: names, option checks, the
// early-EOF error and the factory.
#include <sys/stat.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <system_error>

#include "io/backends.h"
#include "io/range_reader.h"

namespace layerpush::io {

std::string_view backend_name(Backend backend) {
  return backend == Backend::kIoUring ? "io_uring" : "pread";
}

std::optional<Backend> parse_backend(std::string_view name) {
  if (name == "io_uring") return Backend::kIoUring;
  if (name == "pread") return Backend::kPread;
  return std::nullopt;
}

std::unique_ptr<RangeReader> make_reader(Backend backend, ReaderOptions options) {
  detail::check_options(options);
  return backend == Backend::kIoUring ? detail::make_uring_reader(options)
                                      : detail::make_pread_reader(options);
}

namespace detail {

void check_options(const ReaderOptions& options) {
  if (options.buffer_size == 0 || options.buffer_size > kMaxBufferSize) {
    throw std::invalid_argument("reader buffer size " + std::to_string(options.buffer_size) +
                                " is outside 1 byte to 1 GiB");
  }
  if (options.queue_depth == 0 || options.queue_depth > kMaxQueueDepth) {
    throw std::invalid_argument("reader queue depth " + std::to_string(options.queue_depth) +
                                " is outside 1 to " + std::to_string(kMaxQueueDepth));
  }
}

void check_range(std::uint64_t offset, std::uint64_t length) {
  constexpr std::uint64_t kMaxOffset = std::numeric_limits<std::int64_t>::max();  // off_t
  if (offset > kMaxOffset || length > kMaxOffset - offset) {
    throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                            "byte range at " + std::to_string(offset) + " of length " +
                                std::to_string(length) + " is beyond any file offset");
  }
}

void throw_early_eof(int fd, std::uint64_t eof_at, std::uint64_t range_end) {
  std::uint64_t file_end = eof_at;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < file_end) {
    file_end = static_cast<std::uint64_t>(st.st_size);
  }
  throw std::system_error(std::make_error_code(std::errc::io_error),
                          "file ends at byte " + std::to_string(file_end) +
                              ", before the range ends at " + std::to_string(range_end));
}

}  // namespace detail
}  // namespace layerpush::io
