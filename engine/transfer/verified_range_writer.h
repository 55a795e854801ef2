// For blobs the network sends straight from the file (sendfile over plain HTTP): the producer
// only has to read and hash the bytes, not hand them over. Reads go into a small private ring
// that stays in the CPU's cache (32 KiB pieces cost half the page-cache copy time of 256 KiB
// ones here, bench/push_vs_skopeo.sh), and the pipe carries counts of verified bytes instead of
// bytes: a pipe made with BlobPipe::kCountsOnly. The last count is held back until
// release_last(), so the blob's final bytes are not sent before its digest is checked.
// Producer thread only.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "engine/http/blob_pipe.h"
#include "engine/transfer/held_back.h"
#include "hashing/sha256.h"
#include "io/range_reader.h"

namespace layerpush::engine {

// Client CPU of the 0.5 GB OCI push (perf stat task-clock, medians of 5, three rounds): 8 KiB
// 589-655 ms, 16 KiB 572-637, 32 KiB 534-595, 64 KiB 805-840, 128 KiB 786-822.
inline constexpr std::size_t kVerifyReadSize = 32 << 10;
inline constexpr unsigned kVerifyReadDepth = 2;
// Verified bytes per count (the counts-only pipe's buffer_size). A count per MiB rather than per
// 256 KiB cut voluntary context switches from 1,850 to 700 and CPU by about 10% in a 0.5 GB push;
// counts cost no memory, so only how far the producer may run ahead grows.
inline constexpr std::size_t kCountBytes = 1 << 20;

class VerifiedRangeWriter final : public io::BufferExchange {
 public:
  VerifiedRangeWriter(BlobPipe& pipe, hashing::Sha256& hash);

  std::byte* take() override;
  bool give(std::byte* buffer, std::size_t size) override;
  void discard(std::byte* buffer) override;

  bool release_last();
  std::uint64_t bytes_given() const { return given_; }

 private:
  bool hand_over_pending();

  BlobPipe& pipe_;
  hashing::Sha256& hash_;
  std::vector<std::byte*> free_;  // ring pieces not lent to the reader
  std::size_t pending_ = 0;       // verified bytes not yet in a count
  HeldBack held_;                 // the last count, not yet pushed
  std::uint64_t given_ = 0;
};

}  // namespace layerpush::engine
