#include "engine/registry/retry_policy.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <string>

namespace layerpush::engine {

bool is_transient_status(unsigned status) {
  switch (status) {
    case 408:  // request timeout
    case 429:  // too many requests
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    if (value.size() > 9) return std::chrono::milliseconds::max();  // absurdly far: treat as "too long"
    return std::chrono::seconds(std::stoll(std::string(value)));
  }
  std::tm parts{};
  const std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const auto when = std::chrono::system_clock::from_time_t(timegm(&parts));
  if (when <= now) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(when - now);
}

std::chrono::milliseconds retry_delay(const RetrySettings& settings, int retry,
                                      std::optional<std::chrono::milliseconds> retry_after,
                                      double unit_random) {
  if (retry_after) return std::max(*retry_after, std::chrono::milliseconds(0));
  auto ceiling = settings.first_delay;
  for (int i = 1; i < retry && ceiling < settings.max_delay; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, settings.max_delay);
  // "Equal jitter": at least half the backoff, so a retry never comes back at once.
  return ceiling / 2 + std::chrono::milliseconds(static_cast<std::int64_t>(
                           unit_random * static_cast<double>(ceiling.count()) / 2));
}

}  // namespace layerpush::engine
