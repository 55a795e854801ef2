// How layerpush compresses layers it has to compress (a docker-archive's plain tar layers):
// the algorithm and level from `--compress` and `--compress-level`, their rules, defaults and the
// media types the resulting layers carry. Plain data and pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace layerpush::engine {

enum class Compression { kGzip, kZstd, kNone };

struct CompressionSettings {
  Compression algorithm = Compression::kGzip;
  int level = 1;  // meaningful for kGzip and kZstd; see default_level()
};

// Defaults: gzip level 1 of ISA-L and zstd level 2 in 4 MiB frames with a smaller hash table
// (block_codec.h and .cpp say why level 2 and not zstd's own default of 3). gzip measured per 1 MiB
// block with bench/compression_bench.cpp, one core, against `gzip -6` (about what Go's
// compress/gzip makes, used by skopeo and docker): on 127 MiB sampled from a tar of /usr trees
// (binaries, libraries, docs) igzip 1 makes 1.12x the bytes at 466 MB/s, libdeflate 2 1.03x at 123
// MB/s; on text alone igzip 1 makes 1.29x. The realistic corpus decides. See README.
int default_level(Compression algorithm);

// "gzip", "zstd" or "none"; nullopt for anything else.
std::optional<Compression> parse_compression(std::string_view name);
std::string_view compression_name(Compression algorithm);

// Empty when `level` is allowed for `algorithm`, else one sentence naming the rule and the value
// ("--compress-level 5 is out of range; gzip levels are 0 to 3").
std::string level_problem(Compression algorithm, int level);

}  // namespace layerpush::engine
