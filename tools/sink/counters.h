// What the sink registry counts, for a benchmark to read: a plain snapshot, and the atomics the
// connections bump (relaxed: each counter is read on its own, never as a consistent set while
// traffic flows; after the client finished, every increment is visible).
#pragma once

#include <atomic>
#include <cstdint>

namespace layerpush::sink {

struct Counters {
  std::uint64_t requests = 0;         // requests whose header arrived
  std::uint64_t blobs = 0;            // blobs committed with a matching digest
  std::uint64_t bytes_received = 0;   // upload body bytes (PATCH, PUT, POST), failed ones too
  std::uint64_t digest_failures = 0;  // commits whose digest did not match the bytes
  std::uint64_t manifests = 0;        // manifests stored
};

struct AtomicCounters {
  std::atomic<std::uint64_t> requests{0};
  std::atomic<std::uint64_t> blobs{0};
  std::atomic<std::uint64_t> bytes_received{0};
  std::atomic<std::uint64_t> digest_failures{0};
  std::atomic<std::uint64_t> manifests{0};

  Counters snapshot() const {
    constexpr auto r = std::memory_order_relaxed;
    return {requests.load(r), blobs.load(r), bytes_received.load(r), digest_failures.load(r),
            manifests.load(r)};
  }
};

inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) {
  counter.fetch_add(by, std::memory_order_relaxed);
}

}  // namespace layerpush::sink
