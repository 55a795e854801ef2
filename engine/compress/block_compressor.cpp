#include "engine/compress/block_compressor.h"

#include <tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <future>
#include <stdexcept>
#include <vector>

#include "engine/compress/block_codec.h"

namespace layerpush::engine {
namespace {
using Bytes = std::vector<std::uint8_t>;

std::span<const std::byte> as_span(const Bytes& b) { return std::as_bytes(std::span(b)); }

// One block; compressed by whichever comes first, a TBB worker or the feeding thread while it
// waits for the oldest block (TBB keeps one worker fewer than cores, counting the feeder).
struct Job {
  Bytes input;
  bool last = false;
  std::atomic<bool> claimed{false};
  std::promise<Bytes> result;
  std::future<Bytes> future = result.get_future();

  void run(const CompressionSettings& s) {
    if (claimed.exchange(true)) return;
    try {
      result.set_value(compress_block(s.algorithm, s.level, input, last));
    } catch (...) {
      result.set_exception(std::current_exception());
    }
    Bytes().swap(input);
  }
  bool ready() const { return future.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }
};
}  // namespace

struct BlockCompressor::State {
  CompressionSettings settings;
  std::size_t block_size;
  Sink sink;
  std::size_t in_flight;
  // One slot is kept for the feeding thread, which never enters the arena but compresses
  // waiting blocks itself (emit_oldest): TBB's workers are one fewer than the cores, and asking
  // for more made TBB print a warning on every push.
  tbb::task_arena arena;
  Bytes pending;  // the block being filled
  std::deque<std::shared_ptr<Job>> blocks;  // compressing, in stream order
  std::uint32_t crc = 0;
  std::uint64_t total = 0;
  bool header_written = false;
  bool stopped = false;

  State(CompressionSettings s, Sink k, unsigned threads, std::size_t n)
      : settings(s),
        block_size(compress_block_size(s.algorithm)),
        sink(std::move(k)),
        in_flight(n),
        arena(threads == 0 ? tbb::task_arena::automatic : static_cast<int>(threads), 1) {
    if (in_flight == 0)
      in_flight = (threads == 0 ? static_cast<std::size_t>(tbb::this_task_arena::max_concurrency())
                                : threads) + 1;
  }

  bool emit(const Bytes& bytes) {
    if (!stopped && !bytes.empty()) stopped = !sink(as_span(bytes));
    return !stopped;
  }

  // Writes the oldest block once it is compressed.
  bool emit_oldest() {
    for (auto& job : blocks) {
      if (blocks.front()->ready()) break;
      job->run(settings);
    }
    Bytes out = blocks.front()->future.get();  // rethrows a compression failure
    blocks.pop_front();
    return emit(out);
  }

  bool submit(Bytes block, bool last) {
    if (settings.algorithm == Compression::kGzip) {
      crc = gzip_crc(crc, block);
      if (!header_written && !emit(gzip_header())) return false;
      header_written = true;
    }
    total += block.size();
    auto job = std::make_shared<Job>();
    job->input = std::move(block);
    job->last = last;
    blocks.push_back(job);
    arena.enqueue([job, s = settings] { job->run(s); });
    while (blocks.size() >= in_flight)
      if (!emit_oldest()) return false;
    return true;
  }

  ~State() {
    // Queued tasks own their job; claiming the rest here keeps workers from compressing blocks
    // nobody will read.
    for (auto& job : blocks) job->claimed.exchange(true);
  }
};

BlockCompressor::BlockCompressor(CompressionSettings settings, Sink sink, unsigned threads,
                                 std::size_t in_flight)
    : state_(std::make_unique<State>(settings, std::move(sink), threads, in_flight)) {
  if (settings.algorithm == Compression::kNone)
    throw std::logic_error("BlockCompressor needs gzip or zstd");
  state_->pending.reserve(state_->block_size);
}

BlockCompressor::~BlockCompressor() = default;

bool BlockCompressor::feed(std::span<const std::byte> input) {
  auto& s = *state_;
  const auto* p = reinterpret_cast<const std::uint8_t*>(input.data());
  std::size_t left = input.size();
  while (left > 0 && !s.stopped) {
    const std::size_t take = std::min(left, s.block_size - s.pending.size());
    s.pending.insert(s.pending.end(), p, p + take);
    p += take;
    left -= take;
    if (s.pending.size() == s.block_size) {
      Bytes block;
      block.reserve(s.block_size);
      block.swap(s.pending);
      if (!s.submit(std::move(block), false)) return false;
    }
  }
  return !s.stopped;
}

bool BlockCompressor::finish() {
  auto& s = *state_;
  if (s.stopped) return false;
  // gzip always ends with a final deflate block (empty when the input filled its last block);
  // zstd ends with the last partial block, or one empty frame for an empty stream.
  const bool gzip = s.settings.algorithm == Compression::kGzip;
  if (gzip || !s.pending.empty() || s.total == 0) {
    if (!s.submit(std::move(s.pending), true)) return false;
  }
  while (!s.blocks.empty())
    if (!s.emit_oldest()) return false;
  if (gzip && !s.emit(gzip_trailer(s.crc, s.total))) return false;
  return true;
}

}  // namespace layerpush::engine
