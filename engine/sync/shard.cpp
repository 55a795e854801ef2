// --shard parsing and the stable split of images between shards.
#include "engine/sync/shard.h"

#include <xxhash.h>

#include <charconv>
#include <string>

#include "engine/util/error.h"
#include "engine/util/in_quotes.h"

namespace layerpush::engine {
namespace {

// A whole decimal number of digits only (no sign, no spaces), or false.
bool parse_number(std::string_view text, std::uint32_t& value) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return false;
  const auto end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  return error == std::errc() && ptr == end;
}

}  // namespace

Shard parse_shard(std::string_view text) {
  const auto fail = [&](const std::string& why) {
    throw Error(ErrorKind::kUsage, "--shard " + in_quotes(text) + ": " + why);
  };
  const auto slash = text.find('/');
  Shard shard;
  if (slash == std::string_view::npos || !parse_number(text.substr(0, slash), shard.index) ||
      !parse_number(text.substr(slash + 1), shard.count))
    fail("must be INDEX/COUNT in decimal, as in 0/4 (the first of four shards)");
  if (shard.count == 0) fail("the count of shards must be at least 1");
  if (shard.index >= shard.count)
    fail("the index must be 0 to " + std::to_string(shard.count - 1) + " (shards count from 0)");
  return shard;
}

std::uint32_t shard_of(std::string_view image_key, std::uint32_t count) {
  if (count <= 1) return 0;
  // The modulo's bias is below count / 2^64: nothing for any real count.
  return static_cast<std::uint32_t>(XXH3_64bits(image_key.data(), image_key.size()) % count);
}

}  // namespace layerpush::engine
