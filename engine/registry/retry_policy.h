// When a failed registry request is tried again, and after how long. Transient failures
// (transport errors, 408, 429, 500, 502, 503, 504) are retried per request or chunk, never per
// image, with exponential backoff and jitter so that many lanes hitting a rate limit together do
// not come back together; a server's Retry-After (seconds or an HTTP date) is honoured. Pure
// functions and plain settings; safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace layerpush::engine {

struct RetrySettings {
  int max_retries = 5;  // per request or chunk; 0 fails at the first error
  // Backoff before retry n (1-based) is drawn from [d/2, d] with d = first_delay * 2^(n-1),
  // capped at max_delay: 0.2, 0.4, 0.8, 1.6, 3.2 s, so five retries of a registry that stays
  // down add at most about 6 s before the push gives up.
  std::chrono::milliseconds first_delay{200};
  std::chrono::milliseconds max_delay{10'000};
  // A Retry-After longer than this is not waited for: the push fails and says when to come back.
  std::chrono::milliseconds max_retry_after{60'000};
};

// Statuses that say "not now" rather than "no".
bool is_transient_status(unsigned status);

// Retry-After as a delay from `now`: delta-seconds ("120") or an IMF-fixdate
// ("Fri, 27 Nov 2026 10:00:00 GMT"; a date in the past means 0). Nullopt if unparsable.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

// The pause before retry `retry` (1-based); `unit_random` is uniform in [0, 1) (the jitter).
// With a Retry-After the pause is that long, never shorter.
std::chrono::milliseconds retry_delay(const RetrySettings& settings, int retry,
                                      std::optional<std::chrono::milliseconds> retry_after,
                                      double unit_random);

}  // namespace layerpush::engine
