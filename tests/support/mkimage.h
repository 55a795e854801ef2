// Test images from layerpush-mkimage, for tests that need something to push. Safe to call from
// several threads at once (each call runs its own process).
#pragma once

#include <string>
#include <vector>

namespace layerpush::testing {

// Runs the built layerpush-mkimage with `args` and returns the JSON report it prints. Throws
// std::runtime_error holding its stderr if it is missing or fails, so the test stops there.
std::string run_mkimage(const std::vector<std::string>& args);

}  // namespace layerpush::testing
