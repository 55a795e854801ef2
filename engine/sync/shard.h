// `--shard I/N`: N independent runs of `layerpush sync` (a CI matrix, a Kubernetes Indexed Job)
// each take the images of shard I, so that together they copy every image exactly once, with no
// coordination between them. Plain data and pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace layerpush::engine {

// Shards are numbered from 0, as a Kubernetes Indexed Job's JOB_COMPLETION_INDEX is, so a Job
// can pass `--shard $(JOB_COMPLETION_INDEX)/N` as it is. The default is the whole set.
struct Shard {
  std::uint32_t index = 0;
  std::uint32_t count = 1;
};

// Parses "I/N": decimal I and N, N at least 1, I from 0 to N-1. Throws Error(ErrorKind::kUsage)
// naming the rule and the value, e.g. `--shard "4/4": the index must be 0 to 3 (shards count from
// 0)`.
Shard parse_shard(std::string_view text);

// The shard of `count` that `image_key` belongs to: XXH3_64bits (seed 0) of the key's bytes,
// modulo `count`. XXH3's output is fixed by its specification since xxHash 0.8.0, so every
// machine, build and version agrees; std::hash promises no such thing. The key is the image's
// normalized source reference, e.g. "quay.io/coreos/etcd:v3.5.0".
std::uint32_t shard_of(std::string_view image_key, std::uint32_t count);

inline bool in_shard(std::string_view image_key, Shard shard) {
  return shard_of(image_key, shard.count) == shard.index;
}

}  // namespace layerpush::engine
