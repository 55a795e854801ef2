// Internals shared by the two RangeReader backends and by backend_choice.cpp; not part of the
// public API (include io/range_reader.h instead). Tests include it to reach the pure helpers.
//
// Thread-safety: the functions are stateless and safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "io/range_reader.h"

namespace layerpush::io::detail {

// Each backend's constructor. make_reader() validates the options before calling them.
std::unique_ptr<RangeReader> make_pread_reader(const ReaderOptions& options);
std::unique_ptr<RangeReader> make_uring_reader(const ReaderOptions& options);

// Throws std::invalid_argument for a buffer size of 0 or above kMaxBufferSize (io_uring takes
// an unsigned length per read) or a queue depth of 0 or above kMaxQueueDepth (the kernel's
// IORING_MAX_ENTRIES).
inline constexpr std::size_t kMaxBufferSize = std::size_t{1} << 30;
inline constexpr unsigned kMaxQueueDepth = 32768;
void check_options(const ReaderOptions& options);

// Throws std::system_error(EINVAL) when [offset, offset + length) does not fit in off_t.
void check_range(std::uint64_t offset, std::uint64_t length);

// Throws the error both backends raise when a read of `fd` at `eof_at` returned nothing:
// errc::io_error, "file ends at byte N, before the range ends at M". N is the file's size when
// that is smaller (a range that starts past the end).
[[noreturn]] void throw_early_eof(int fd, std::uint64_t eof_at, std::uint64_t range_end);

// The value of LAYERPUSH_IO: nullopt for null or empty; throws std::invalid_argument naming any
// value other than "io_uring" or "pread".
std::optional<Backend> backend_from_env_value(const char* value);

// Sets up a small ring and checks that the kernel can read through it. Returns 0 when io_uring
// is usable, else the errno explaining why not (ENOSYS, EPERM, EOPNOTSUPP for a missing opcode).
int probe_io_uring();

}  // namespace layerpush::io::detail
