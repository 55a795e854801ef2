// Which failures are retried and how long each retry waits: exponential backoff with jitter,
// capped, and a server's Retry-After in both of its forms.
#include "engine/registry/retry_policy.h"

#include <gtest/gtest.h>

namespace layerpush::engine {
namespace {
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RetryPolicyTest, OnlyTransientStatusesAreRetried) {
  for (unsigned status : {408u, 429u, 500u, 502u, 503u, 504u}) EXPECT_TRUE(is_transient_status(status)) << status;
  for (unsigned status : {200u, 201u, 202u, 307u, 400u, 401u, 403u, 404u, 405u, 412u, 413u, 416u, 501u, 505u})
    EXPECT_FALSE(is_transient_status(status)) << status;
}

TEST(RetryPolicyTest, RetryAfterInSeconds) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(parse_retry_after("0", now), milliseconds(0));
  EXPECT_EQ(parse_retry_after("7", now), seconds(7));
  EXPECT_EQ(parse_retry_after(" 120 ", now), seconds(120));
  EXPECT_EQ(parse_retry_after("99999999999", now), milliseconds::max());
  EXPECT_EQ(parse_retry_after("", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-3", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("soon", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("1.5", now), std::nullopt);
}

TEST(RetryPolicyTest, RetryAfterAsAnHttpDate) {
  // Fri, 27 Nov 2026 10:00:00 GMT
  const auto ten = std::chrono::system_clock::from_time_t(1795773600);
  EXPECT_EQ(parse_retry_after("Fri, 27 Nov 2026 10:00:30 GMT", ten), seconds(30));
  EXPECT_EQ(parse_retry_after("Fri, 27 Nov 2026 09:59:00 GMT", ten), milliseconds(0));  // past
  EXPECT_EQ(parse_retry_after("Fri, 27 Nov 2026 10:00:30 GMT trailing", ten), std::nullopt);
  EXPECT_EQ(parse_retry_after("27 Nov 2026 10:00:30", ten), std::nullopt);
}

TEST(RetryPolicyTest, BackoffDoublesWithJitterUpToTheCap) {
  RetrySettings settings;  // 200 ms first, 10 s cap
  // The pause for retry n lies in [d/2, d], d = 200 ms * 2^(n-1).
  EXPECT_EQ(retry_delay(settings, 1, std::nullopt, 0.0), milliseconds(100));
  EXPECT_EQ(retry_delay(settings, 1, std::nullopt, 0.999), milliseconds(199));
  EXPECT_EQ(retry_delay(settings, 2, std::nullopt, 0.0), milliseconds(200));
  EXPECT_EQ(retry_delay(settings, 3, std::nullopt, 0.5), milliseconds(600));
  EXPECT_EQ(retry_delay(settings, 5, std::nullopt, 0.0), milliseconds(1600));
  EXPECT_EQ(retry_delay(settings, 10, std::nullopt, 0.0), milliseconds(5000));
  EXPECT_EQ(retry_delay(settings, 60, std::nullopt, 0.999), milliseconds(9995));
}

TEST(RetryPolicyTest, RetryAfterIsHonouredAsGiven) {
  RetrySettings settings;
  EXPECT_EQ(retry_delay(settings, 1, seconds(3), 0.5), seconds(3));
  EXPECT_EQ(retry_delay(settings, 4, milliseconds(0), 0.5), milliseconds(0));
}

}  // namespace
}  // namespace layerpush::engine
