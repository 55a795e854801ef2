#include "engine/transfer/verified_range_writer.h"

#include <memory>

namespace layerpush::engine {
namespace {
// One ring per worker thread, reused by every blob the thread produces.
std::span<std::byte> thread_ring() {
  constexpr std::size_t kPieces = kVerifyReadDepth + 1;
  thread_local auto ring = std::make_unique_for_overwrite<std::byte[]>(kPieces * kVerifyReadSize);
  return {ring.get(), kPieces * kVerifyReadSize};
}
}  // namespace

VerifiedRangeWriter::VerifiedRangeWriter(BlobPipe& pipe, hashing::Sha256& hash)
    : pipe_(pipe), hash_(hash), held_(pipe) {
  auto ring = thread_ring();
  for (std::size_t at = 0; at < ring.size(); at += kVerifyReadSize) free_.push_back(&ring[at]);
}

std::byte* VerifiedRangeWriter::take() {
  std::byte* piece = free_.back();  // never empty: the reader lends at most kVerifyReadDepth
  free_.pop_back();
  return piece;
}

void VerifiedRangeWriter::discard(std::byte* buffer) { free_.push_back(buffer); }

bool VerifiedRangeWriter::give(std::byte* buffer, std::size_t size) {
  hash_.update({buffer, size});
  free_.push_back(buffer);
  given_ += size;
  pending_ += size;
  return pending_ < pipe_.buffer_size() || hand_over_pending();
}

// Turns the pending bytes into a count, after pushing the count held before it. Taking the
// count's slot blocks while `capacity` counts are unsent: the back-pressure that keeps the
// producer from running far ahead of the network.
bool VerifiedRangeWriter::hand_over_pending() {
  auto slot = pipe_.take_buffer();
  if (!slot) return false;
  return held_.hold(Buffer{slot->data, std::exchange(pending_, 0)});
}

bool VerifiedRangeWriter::release_last() {
  if (pending_ > 0 && !hand_over_pending()) return false;
  return held_.release();
}

}  // namespace layerpush::engine
