// Image platforms as `--platform` and a sync config's `platforms:` name them: os/arch[/variant]
// ("linux/amd64", "linux/arm64/v8"), and the rule by which such a filter picks the children of
// an OCI image index or Docker manifest list. Plain data and pure functions, safe from any thread.
#pragma once

#include <string>
#include <string_view>

namespace layerpush::engine {

struct Platform {
  std::string os;            // "linux", "windows"
  std::string architecture;  // "amd64", "arm64", "arm", "386"
  std::string variant;       // "v8", "v7"; "" when not given

  // "os/arch" or "os/arch/variant".
  std::string str() const;
  bool operator==(const Platform&) const = default;
};

// Parses "os/arch" or "os/arch/variant". Each part is 1 or more of [a-z0-9_.-]; the case is not
// folded, so a typo like "Linux" is refused rather than guessed at. Throws std::invalid_argument
// with one sentence naming the rule and the value.
Platform parse_platform(std::string_view text);

// Whether an index child of platform `candidate` is wanted by `filter`. os and architecture must
// be equal; a filter without a variant takes any variant; a filter with one takes that variant
// only, where arm64 without a variant counts as arm64/v8 (containerd's normalization, since
// images list linux/arm64 with and without "v8" for the same thing).
bool platform_matches(const Platform& filter, const Platform& candidate);

}  // namespace layerpush::engine
