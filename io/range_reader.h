// Reads a byte range of a file as an ordered stream of buffers. Two backends: io_uring (several
// reads in flight from one aligned buffer slab) and pread (one read at a time). The backend is
// chosen once per process by probing the kernel, or forced by the caller or LAYERPUSH_IO.
//
// Thread-safety: a RangeReader is used by one thread at a time; make one per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace layerpush::io {

enum class Backend { kIoUring, kPread };

std::string_view backend_name(Backend backend);
// "io_uring" or "pread"; nullopt for anything else.
std::optional<Backend> parse_backend(std::string_view name);

struct ReaderOptions {
  // Size of each buffer handed to the sink (the last one of a range may be shorter).
  std::size_t buffer_size = 1 << 20;
  // Reads kept in flight by the io_uring backend; the pread backend ignores it.
  unsigned queue_depth = 4;
};

// Called with each buffer in file order. The span is valid only during the call. Return false to
// stop reading early (read() then returns without error).
using BufferSink = std::function<bool(std::span<const std::byte>)>;

// Where read_into() puts bytes: buffers the caller owns (so bytes can go from the kernel to their
// final buffer with no copy in between). Called on the reading thread only.
class BufferExchange {
 public:
  virtual ~BufferExchange() = default;
  // An empty buffer of at least the reader's buffer_size bytes; nullptr stops reading. May block:
  // the reader keeps at most queue_depth buffers taken and not given back, so a caller that
  // lets queue_depth + 1 buffers out at once never blocks the reader forever.
  virtual std::byte* take() = 0;
  // A buffer from take() now holding the range's next `size` bytes, in file order; ownership
  // goes back to the caller. Return false to stop reading.
  virtual bool give(std::byte* buffer, std::size_t size) = 0;
  // A buffer from take() that will not be filled (the read stopped or failed); it is the caller's
  // again and no read is pending on it.
  virtual void discard(std::byte* buffer) = 0;
};

class RangeReader {
 public:
  virtual ~RangeReader() = default;
  // Streams bytes [offset, offset + length) of the open file `fd` to `sink`. Short reads and
  // EAGAIN/EINTR are retried. Throws std::system_error on a read error, and on end of file before
  // the range ends (errc::io_error, "file ends at byte N, before the range ends at M").
  virtual void read(int fd, std::uint64_t offset, std::uint64_t length, const BufferSink& sink) = 0;
  // The same, reading into the exchange's buffers instead of the reader's own.
  virtual void read_into(int fd, std::uint64_t offset, std::uint64_t length,
                         BufferExchange& exchange) = 0;
  virtual Backend backend() const = 0;
  virtual std::size_t buffer_size() const = 0;
};

// Decides the process's backend once and remembers it: `forced` if given, else LAYERPUSH_IO
// (io_uring|pread) if set, else io_uring when a probe ring can be set up, else pread. When
// io_uring was wanted or probed but is unavailable (ENOSYS, EPERM from seccomp, sysctl
// kernel.io_uring_disabled), the fallback is to pread and `notice` (if given) receives one
// sentence saying so, exactly once per process. Throws std::invalid_argument if LAYERPUSH_IO holds
// another value.
Backend choose_backend(std::optional<Backend> forced = std::nullopt, std::string* notice = nullptr);

// A reader of the given backend. A kIoUring reader whose ring cannot be set up throws
// std::system_error.
std::unique_ptr<RangeReader> make_reader(Backend backend, ReaderOptions options = {});

}  // namespace layerpush::io
