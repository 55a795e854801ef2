// Values inside messages, in double quotes: `tag "v 1" has the character ' '`. Pure; safe from
// any thread. (Not named quoted: with a std::string argument, ADL would also find std::quoted.)
#pragma once

#include <string>
#include <string_view>

namespace layerpush::engine {

// Appended piece by piece: `"\"" + std::string(text)` trips GCC 12's false -Wrestrict (PR 105651).
inline std::string in_quotes(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  out += text;
  out += '"';
  return out;
}

}  // namespace layerpush::engine
