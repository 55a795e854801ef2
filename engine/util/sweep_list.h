// The comma-separated lists `layerpush bench` sweeps over: `--jobs 1,2,5,8` and
// `--chunk-size 0,16M` (sizes as engine/util/byte_size.h reads them). Items keep the order given;
// an empty item, a duplicate or a value out of range refuses the whole list (nullopt), for the
// caller to word. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace layerpush::engine {

std::optional<std::vector<int>> parse_int_list(std::string_view text, int min, int max);
std::optional<std::vector<std::uint64_t>> parse_size_list(std::string_view text);

}  // namespace layerpush::engine
