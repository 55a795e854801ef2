// The io_uring backend, after liburing's examples/io_uring-cp.c: one ring and one aligned slab of
// queue_depth buffers per reader, chunk k of a range always in slot k % queue_depth, up to
// queue_depth reads in flight, completions reaped in batches and buffers handed over in file order.
#include <liburing.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <new>
#include <system_error>
#include <utility>
#include <vector>

#include "io/backends.h"

namespace layerpush::io::detail {
namespace {

constexpr std::size_t kSlabAlignment = 4096;  // page aligned, so O_DIRECT descriptors work too
constexpr std::uint64_t kCancelTag = ~std::uint64_t{0};  // user_data of cancel requests

struct FreeDeleter {
  void operator()(std::byte* p) const { std::free(p); }
};

std::unique_ptr<std::byte, FreeDeleter> allocate_slab(std::size_t buffers, std::size_t size) {
  if (size > (~std::size_t{0} - kSlabAlignment) / buffers) throw std::bad_alloc();
  const std::size_t bytes = (buffers * size + kSlabAlignment - 1) / kSlabAlignment * kSlabAlignment;
  auto* slab = static_cast<std::byte*>(std::aligned_alloc(kSlabAlignment, bytes));
  if (slab == nullptr) throw std::bad_alloc();
  return std::unique_ptr<std::byte, FreeDeleter>(slab);
}

class UringReader final : public RangeReader {
 public:
  explicit UringReader(const ReaderOptions& options)
      : buffer_size_(options.buffer_size),
        depth_(options.queue_depth),
        slab_(allocate_slab(depth_, buffer_size_)),
        slots_(depth_),
        cqes_(2 * std::size_t{depth_}),  // reads plus the cancels drain() may add
        reaped_(cqes_.size()) {
    // No optional setup flags (SQPOLL, COOP_TASKRUN...): they are not needed for file reads and
    // each one is a way for setup to fail on an older or locked-down kernel.
    if (int ret = io_uring_queue_init(depth_, &ring_, 0); ret < 0) {
      throw std::system_error(-ret, std::generic_category(),
                              "io_uring_queue_init with " + std::to_string(depth_) + " entries");
    }
  }
  ~UringReader() override { io_uring_queue_exit(&ring_); }
  UringReader(const UringReader&) = delete;
  UringReader& operator=(const UringReader&) = delete;

  void read(int fd, std::uint64_t offset, std::uint64_t length, const BufferSink& sink) override;
  void read_into(int fd, std::uint64_t offset, std::uint64_t length,
                 BufferExchange& exchange) override;
  Backend backend() const override { return Backend::kIoUring; }
  std::size_t buffer_size() const override { return buffer_size_; }

 private:
  // Where a slot's bytes go: the reader's slab (read) or the caller's buffers (read_into).
  class Destination {
   public:
    virtual ~Destination() = default;
    virtual std::byte* acquire(std::size_t slot) = 0;  // nullptr: stop
    virtual bool deliver(std::byte* data, std::size_t size) = 0;
    virtual void abandon(std::byte* data) = 0;  // acquired, never delivered, no read pending
  };
  void run(int fd, std::uint64_t offset, std::uint64_t length, Destination& destination);
  void abandon_undelivered(Destination& destination) noexcept;

  struct Slot {
    std::byte* data = nullptr;  // where the chunk is read to; null once delivered
    std::uint64_t start = 0;   // file offset of the slot's chunk
    std::uint32_t size = 0;    // bytes in the chunk
    std::uint32_t filled = 0;  // bytes read so far
    bool in_flight = false;
    bool eof = false;  // a read returned 0 before the chunk was full
    int error = 0;     // errno of a failed read
  };

  std::byte* buffer(std::size_t slot) { return slab_.get() + slot * buffer_size_; }
  io_uring_sqe* get_sqe();
  void queue_read(std::size_t slot);
  void wait_and_reap();
  void complete(std::uint64_t tag, int res);
  void drain() noexcept;

  const std::size_t buffer_size_;
  const unsigned depth_;
  std::unique_ptr<std::byte, FreeDeleter> slab_;
  std::vector<Slot> slots_;
  std::vector<io_uring_cqe*> cqes_;
  std::vector<std::pair<std::uint64_t, int>> reaped_;  // (user_data, res) of the batch
  io_uring ring_{};
  int fd_ = -1;  // the descriptor of the read() in progress
  unsigned reads_in_flight_ = 0;
  unsigned cancels_in_flight_ = 0;
  bool draining_ = false;  // completions are only counted, never re-queued
  bool broken_ = false;    // drain() could not wait for every read: the slab may still change
};

void UringReader::read(int fd, std::uint64_t offset, std::uint64_t length, const BufferSink& sink) {
  struct Slab final : Destination {
    UringReader& reader;
    const BufferSink& sink;
    Slab(UringReader& r, const BufferSink& s) : reader(r), sink(s) {}
    std::byte* acquire(std::size_t slot) override { return reader.buffer(slot); }
    bool deliver(std::byte* data, std::size_t size) override { return sink({data, size}); }
    void abandon(std::byte*) override {}
  } slab(*this, sink);
  run(fd, offset, length, slab);
}

void UringReader::read_into(int fd, std::uint64_t offset, std::uint64_t length,
                            BufferExchange& exchange) {
  struct Caller final : Destination {
    BufferExchange& exchange;
    explicit Caller(BufferExchange& e) : exchange(e) {}
    std::byte* acquire(std::size_t) override { return exchange.take(); }
    bool deliver(std::byte* data, std::size_t size) override { return exchange.give(data, size); }
    void abandon(std::byte* data) override { exchange.discard(data); }
  } caller(exchange);
  run(fd, offset, length, caller);
}

// Gives back every buffer still held by a slot; only after drain(), when no read is pending.
void UringReader::abandon_undelivered(Destination& destination) noexcept {
  for (auto& slot : slots_) {
    if (slot.data != nullptr) destination.abandon(slot.data);
    slot.data = nullptr;
  }
}

void UringReader::run(int fd, std::uint64_t offset, std::uint64_t length,
                      Destination& destination) {
  if (broken_) throw std::system_error(EIO, std::generic_category(), "io_uring reader is broken");
  check_range(offset, length);
  const std::uint64_t end = offset + length;
  const std::uint64_t chunks = (length + buffer_size_ - 1) / buffer_size_;
  std::uint64_t next_queue = 0;
  std::uint64_t next_deliver = 0;
  fd_ = fd;
  try {
    while (next_deliver < chunks) {
      // A slot is free once its previous chunk was delivered, so stay queue_depth ahead.
      for (; next_queue < chunks && next_queue < next_deliver + depth_; ++next_queue) {
        Slot& slot = slots_[next_queue % depth_];
        std::byte* data = destination.acquire(next_queue % depth_);
        if (data == nullptr) break;
        slot = Slot{data, offset + next_queue * buffer_size_, 0, 0, false, false, 0};
        slot.size =
            static_cast<std::uint32_t>(std::min<std::uint64_t>(buffer_size_, end - slot.start));
        queue_read(next_queue % depth_);
      }
      const std::size_t index = next_deliver % depth_;
      Slot& slot = slots_[index];
      if (slot.data == nullptr) break;  // acquire() asked to stop before this chunk was queued
      if (slot.in_flight) {
        wait_and_reap();
        continue;
      }
      if (slot.error != 0) {
        throw std::system_error(
            slot.error, std::generic_category(),
            "io_uring read at byte " + std::to_string(slot.start + slot.filled));
      }
      if (slot.eof) throw_early_eof(fd, slot.start + slot.filled, end);
      // Let the kernel work on queued reads while the sink runs. A failure here is ignored on
      // purpose: the entries stay queued and the next wait_and_reap() submits and reports.
      if (io_uring_sq_ready(&ring_) > 0) io_uring_submit(&ring_);
      std::byte* data = std::exchange(slot.data, nullptr);
      if (!destination.deliver(data, slot.size)) break;
      ++next_deliver;
    }
  } catch (...) {
    drain();
    abandon_undelivered(destination);
    throw;
  }
  drain();
  abandon_undelivered(destination);
}

io_uring_sqe* UringReader::get_sqe() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  while (sqe == nullptr) {  // the queue is full of prepared entries: hand them to the kernel
    int ret = io_uring_submit(&ring_);
    if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY) {
      throw std::system_error(-ret, std::generic_category(), "io_uring_submit");
    }
    sqe = io_uring_get_sqe(&ring_);
  }
  return sqe;
}

void UringReader::queue_read(std::size_t index) {
  Slot& slot = slots_[index];
  io_uring_sqe* sqe = get_sqe();
  io_uring_prep_read(sqe, fd_, slot.data + slot.filled, slot.size - slot.filled,
                     slot.start + slot.filled);
  io_uring_sqe_set_data64(sqe, index);
  slot.in_flight = true;
  ++reads_in_flight_;
}

void UringReader::wait_and_reap() {
  int ret = io_uring_submit_and_wait(&ring_, 1);
  if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY) {
    throw std::system_error(-ret, std::generic_category(), "io_uring_submit_and_wait");
  }
  const unsigned count = io_uring_peek_batch_cqe(&ring_, cqes_.data(), cqes_.size());
  // Copy the batch out and release it first, so a throw while handling one cannot leave
  // completions in the ring to be counted twice.
  for (unsigned i = 0; i < count; ++i) {
    reaped_[i] = {io_uring_cqe_get_data64(cqes_[i]), cqes_[i]->res};
  }
  io_uring_cq_advance(&ring_, count);
  for (unsigned i = 0; i < count; ++i) complete(reaped_[i].first, reaped_[i].second);
}

void UringReader::complete(std::uint64_t tag, int res) {
  if (tag == kCancelTag) {
    --cancels_in_flight_;  // its result (0, -ENOENT, -EALREADY) changes nothing: we wait anyway
    return;
  }
  Slot& slot = slots_[tag];
  slot.in_flight = false;
  --reads_in_flight_;
  if (draining_) return;
  if (res == -EAGAIN || res == -EINTR) return queue_read(tag);
  if (res < 0) {
    slot.error = -res;
  } else if (res == 0) {
    slot.eof = true;
  } else {
    slot.filled += static_cast<std::uint32_t>(res);
    if (slot.filled < slot.size) queue_read(tag);  // short read: ask for the rest
  }
}

// Cancels what is still in flight and waits for every completion, so that no read lands in the
// slab after read() returns and no stale completion reaches the next read().
void UringReader::drain() noexcept {
  draining_ = true;
  try {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (!slots_[i].in_flight) continue;
      io_uring_sqe* sqe = get_sqe();
      io_uring_prep_cancel64(sqe, i, 0);
      io_uring_sqe_set_data64(sqe, kCancelTag);
      ++cancels_in_flight_;
    }
    while (reads_in_flight_ + cancels_in_flight_ > 0) wait_and_reap();
  } catch (...) {
    broken_ = true;  // the ring failed us; refuse further reads rather than risk stale data
  }
  draining_ = false;
}

}  // namespace

std::unique_ptr<RangeReader> make_uring_reader(const ReaderOptions& options) {
  return std::make_unique<UringReader>(options);
}

}  // namespace layerpush::io::detail
