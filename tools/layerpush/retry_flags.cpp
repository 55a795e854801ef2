#include "tools/layerpush/retry_flags.h"

#include <algorithm>

#include "engine/util/error.h"
#include "tools/layerpush/int_flag.h"

namespace layerpush::cli {
using engine::Error;
using engine::ErrorKind;

void add_retry_flags(CLI::App& command, RetryFlags& flags, const std::string& prefix) {
  flags.prefix = prefix;
  const std::string p = "--" + prefix;
  command
      .add_option(p + "retries", flags.retries,
                  "Times one request or chunk is tried again after a transient failure")
      ->capture_default_str();
  command
      .add_option(p + "timeout", flags.timeout_s,
                  "Seconds a connection may make no progress before the request is retried")
      ->capture_default_str();
}

void apply_retry_flags(const RetryFlags& flags, engine::RetrySettings& retry,
                       engine::Timeouts& timeouts) {
  const std::string p = "--" + flags.prefix;
  retry.max_retries = checked_int(p + "retries", flags.retries, 0, 100);
  if (flags.timeout_s < 1 || flags.timeout_s > 3600)
    throw Error(ErrorKind::kUsage, p + "timeout is " + std::to_string(flags.timeout_s) +
                                       "; it must be 1 to 3600 seconds");
  timeouts.io = std::chrono::seconds(flags.timeout_s);
  timeouts.connect = std::min(timeouts.connect, timeouts.io);
}

}  // namespace layerpush::cli
