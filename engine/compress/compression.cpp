#include "engine/compress/compression.h"

#include <zstd.h>

namespace layerpush::engine {

int default_level(Compression algorithm) {
  switch (algorithm) {
    case Compression::kGzip: return 1;
    case Compression::kZstd: return 2;
    case Compression::kNone: return 0;
  }
  return 0;
}

std::optional<Compression> parse_compression(std::string_view name) {
  if (name == "gzip") return Compression::kGzip;
  if (name == "zstd") return Compression::kZstd;
  if (name == "none") return Compression::kNone;
  return std::nullopt;
}

std::string_view compression_name(Compression algorithm) {
  switch (algorithm) {
    case Compression::kGzip: return "gzip";
    case Compression::kZstd: return "zstd";
    case Compression::kNone: return "none";
  }
  return "none";
}

std::string level_problem(Compression algorithm, int level) {
  const std::string given = "--compress-level " + std::to_string(level);
  switch (algorithm) {
    case Compression::kGzip:
      // ISA-L's igzip has four levels (0 is Huffman-only, 3 the densest).
      if (level < 0 || level > 3) return given + " is out of range; gzip levels are 0 to 3";
      return {};
    case Compression::kZstd:
      if (level < 1 || level > ZSTD_maxCLevel())
        return given + " is out of range; zstd levels are 1 to " +
               std::to_string(ZSTD_maxCLevel());
      return {};
    case Compression::kNone:
      return given + " does not apply; --compress none sends layers uncompressed";
  }
  return {};
}

}  // namespace layerpush::engine
