// Latency percentiles for `layerpush bench`: nearest-rank percentiles (the smallest sample with
// at least P% of the samples at or below it), so every value reported was measured, and
// p50 <= p95 <= p99 always holds. Pure functions.
#pragma once

#include <vector>

namespace layerpush::engine {

// `p` in (0, 100]; 0 for no samples.
double percentile(std::vector<double> samples, double p);

struct Percentiles {
  double p50 = 0;
  double p95 = 0;
  double p99 = 0;
};

Percentiles percentiles(const std::vector<double>& samples);

}  // namespace layerpush::engine
