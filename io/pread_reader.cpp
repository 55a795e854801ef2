// The pread backend: one buffer, one read at a time. Used where io_uring is unavailable and as
// the reference the io_uring backend is tested against.
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <system_error>

#include "io/backends.h"

namespace layerpush::io::detail {
namespace {

class PreadReader final : public RangeReader {
 public:
  explicit PreadReader(const ReaderOptions& options)
      : buffer_size_(options.buffer_size),
        // Allocated once and reused by every read() call, like the io_uring slab.
        buffer_(std::make_unique_for_overwrite<std::byte[]>(options.buffer_size)) {}

  void read(int fd, std::uint64_t offset, std::uint64_t length, const BufferSink& sink) override {
    check_range(offset, length);
    const std::uint64_t end = offset + length;
    for (std::uint64_t pos = offset; pos < end;) {
      const std::size_t want =
          static_cast<std::size_t>(std::min<std::uint64_t>(buffer_size_, end - pos));
      fill(fd, pos, want, end);
      if (!sink({buffer_.get(), want})) return;
      pos += want;
    }
  }

  void read_into(int fd, std::uint64_t offset, std::uint64_t length,
                 BufferExchange& exchange) override {
    check_range(offset, length);
    const std::uint64_t end = offset + length;
    for (std::uint64_t pos = offset; pos < end;) {
      const std::size_t want =
          static_cast<std::size_t>(std::min<std::uint64_t>(buffer_size_, end - pos));
      std::byte* buffer = exchange.take();
      if (buffer == nullptr) return;
      try {
        fill(fd, pos, want, end, buffer);
      } catch (...) {
        exchange.discard(buffer);
        throw;
      }
      if (!exchange.give(buffer, want)) return;
      pos += want;
    }
  }

  Backend backend() const override { return Backend::kPread; }
  std::size_t buffer_size() const override { return buffer_size_; }

 private:
  void fill(int fd, std::uint64_t pos, std::size_t want, std::uint64_t range_end) {
    fill(fd, pos, want, range_end, buffer_.get());
  }

  // Fills `into` with `want` bytes from `pos`, retrying short reads, EINTR and EAGAIN.
  void fill(int fd, std::uint64_t pos, std::size_t want, std::uint64_t range_end, std::byte* into) {
    std::size_t got = 0;
    while (got < want) {
      const ssize_t n = ::pread(fd, into + got, want - got, static_cast<off_t>(pos + got));
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        throw std::system_error(errno, std::generic_category(),
                                "pread at byte " + std::to_string(pos + got));
      }
      if (n == 0) throw_early_eof(fd, pos + got, range_end);
      got += static_cast<std::size_t>(n);
    }
  }

  std::size_t buffer_size_;
  std::unique_ptr<std::byte[]> buffer_;
};

}  // namespace

std::unique_ptr<RangeReader> make_pread_reader(const ReaderOptions& options) {
  return std::make_unique<PreadReader>(options);
}

}  // namespace layerpush::io::detail
