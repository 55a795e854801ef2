// The range check every integer flag gets: the value when it lies in [lo, hi], else bad usage
// naming the flag, the value and the range ("--blobs is 0; it must be 1 to 10000").
#pragma once

#include <string>

namespace layerpush::cli {

// Throws engine::Error(kUsage). `flag` as the user typed it, with its dashes.
int checked_int(const std::string& flag, int value, int lo, int hi);

}  // namespace layerpush::cli
