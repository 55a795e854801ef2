#include "tools/layerpush/int_flag.h"

#include "engine/util/error.h"

namespace layerpush::cli {

int checked_int(const std::string& flag, int value, int lo, int hi) {
  if (value < lo || value > hi)
    throw engine::Error(engine::ErrorKind::kUsage,
                        flag + " is " + std::to_string(value) + "; it must be " +
                            std::to_string(lo) + " to " + std::to_string(hi));
  return value;
}

}  // namespace layerpush::cli
