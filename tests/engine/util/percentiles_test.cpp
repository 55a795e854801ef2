// Nearest-rank percentiles: every value reported is a sample, ranks round up, the order of the
// samples does not matter, and p50 <= p95 <= p99.
#include "engine/util/percentiles.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace layerpush::engine {
namespace {

TEST(PercentilesTest, NoSamplesGiveZero) {
  EXPECT_EQ(percentile({}, 50), 0);
  const auto p = percentiles({});
  EXPECT_EQ(p.p50, 0);
  EXPECT_EQ(p.p99, 0);
}

TEST(PercentilesTest, OneSampleIsEveryPercentile) {
  const auto p = percentiles({7.5});
  EXPECT_EQ(p.p50, 7.5);
  EXPECT_EQ(p.p95, 7.5);
  EXPECT_EQ(p.p99, 7.5);
}

TEST(PercentilesTest, NearestRankRoundsUp) {
  // 1..100: the P-th percentile is P itself.
  std::vector<double> hundred;
  for (int i = 100; i >= 1; --i) hundred.push_back(i);
  EXPECT_EQ(percentile(hundred, 50), 50);
  EXPECT_EQ(percentile(hundred, 95), 95);
  EXPECT_EQ(percentile(hundred, 99), 99);
  EXPECT_EQ(percentile(hundred, 100), 100);
  // 1..20: 95% of 20 is rank 19 exactly; 99% rounds up to rank 20.
  std::vector<double> twenty;
  for (int i = 1; i <= 20; ++i) twenty.push_back(i);
  EXPECT_EQ(percentile(twenty, 95), 19);
  EXPECT_EQ(percentile(twenty, 99), 20);
  // Four samples: the median is the second smallest (rank 2), not an average.
  EXPECT_EQ(percentile({4, 1, 3, 2}, 50), 2);
  EXPECT_EQ(percentile({4, 1, 3, 2}, 95), 4);
}

TEST(PercentilesTest, OrderedAndTakenFromTheSamples) {
  std::mt19937 rng(42);
  std::exponential_distribution<double> latency(20.0);
  for (int n : {2, 3, 7, 50, 1001}) {
    std::vector<double> samples;
    for (int i = 0; i < n; ++i) samples.push_back(latency(rng));
    const auto p = percentiles(samples);
    EXPECT_LE(p.p50, p.p95) << n;
    EXPECT_LE(p.p95, p.p99) << n;
    for (double v : {p.p50, p.p95, p.p99})
      EXPECT_NE(std::find(samples.begin(), samples.end(), v), samples.end()) << n;
    EXPECT_LE(p.p99, *std::max_element(samples.begin(), samples.end()));
  }
}

}  // namespace
}  // namespace layerpush::engine
