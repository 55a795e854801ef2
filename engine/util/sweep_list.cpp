#include "engine/util/sweep_list.h"

#include <algorithm>
#include <charconv>

#include "engine/util/byte_size.h"

namespace layerpush::engine {
namespace {

// Splits at commas; nullopt for an empty list or item.
std::optional<std::vector<std::string_view>> split(std::string_view text) {
  std::vector<std::string_view> items;
  for (;;) {
    const auto comma = text.find(',');
    const auto item = text.substr(0, comma);
    if (item.empty()) return std::nullopt;
    items.push_back(item);
    if (comma == std::string_view::npos) return items;
    text.remove_prefix(comma + 1);
  }
}

template <class T>
bool has_duplicates(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  return std::adjacent_find(values.begin(), values.end()) != values.end();
}

}  // namespace

std::optional<std::vector<int>> parse_int_list(std::string_view text, int min, int max) {
  const auto items = split(text);
  if (!items) return std::nullopt;
  std::vector<int> values;
  for (const auto item : *items) {
    int value = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (ec != std::errc() || end != item.data() + item.size() || value < min || value > max)
      return std::nullopt;
    values.push_back(value);
  }
  if (has_duplicates(values)) return std::nullopt;
  return values;
}

std::optional<std::vector<std::uint64_t>> parse_size_list(std::string_view text) {
  const auto items = split(text);
  if (!items) return std::nullopt;
  std::vector<std::uint64_t> values;
  for (const auto item : *items) {
    auto value = parse_byte_size(item);
    if (!value) return std::nullopt;
    values.push_back(*value);
  }
  if (has_duplicates(values)) return std::nullopt;
  return values;
}

}  // namespace layerpush::engine
