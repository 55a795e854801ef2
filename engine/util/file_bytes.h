// Reading small files whole (index.json, manifests, configs) with a size limit, so a wrong path
// never pulls a huge file into memory. Throws engine::Error(kInput) naming the path.
#pragma once

#include <cstdint>
#include <string>

namespace layerpush::engine {

// 16 MiB: far above any real manifest (registries cap them at 4 MiB) or image config.
inline constexpr std::uint64_t kSmallFileLimit = 16 << 20;

std::string read_small_file(const std::string& path, std::uint64_t limit = kSmallFileLimit);
// Bytes [offset, offset+length) of `path`; length must be at most `limit`.
std::string read_file_range(const std::string& path, std::uint64_t offset, std::uint64_t length,
                            std::uint64_t limit = kSmallFileLimit);

}  // namespace layerpush::engine
