#include "tools/layerpush/retry_flags.h"

#include <algorithm>

#include "engine/error.h"

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
  if (flags.retries < 0 || flags.retries > 100)
    throw Error(ErrorKind::kUsage,
                p + "retries is " + std::to_string(flags.retries) + "; it must be 0 to 100");
  retry.max_retries = flags.retries;
  if (flags.timeout_s < 1 || flags.timeout_s > 3600)
    throw Error(ErrorKind::kUsage, p + "timeout is " + std::to_string(flags.timeout_s) +
                                       "; it must be 1 to 3600 seconds");
  timeouts.io = std::chrono::seconds(flags.timeout_s);
  timeouts.connect = std::min(timeouts.connect, timeouts.io);
}

}  // namespace layerpush::cli
