#include "engine/util/percentiles.h"

#include <algorithm>
#include <cmath>

namespace layerpush::engine {

double percentile(std::vector<double> samples, double p) {
  if (samples.empty()) return 0;
  // Rank ceil(p/100 * n), 1-based; the small slack keeps 95% of 20 at rank 19, not 20.
  const double exact = p / 100.0 * static_cast<double>(samples.size());
  auto rank = static_cast<std::size_t>(std::ceil(exact - 1e-9));
  rank = std::clamp<std::size_t>(rank, 1, samples.size());
  std::nth_element(samples.begin(), samples.begin() + static_cast<long>(rank - 1), samples.end());
  return samples[rank - 1];
}

Percentiles percentiles(const std::vector<double>& samples) {
  return {percentile(samples, 50), percentile(samples, 95), percentile(samples, 99)};
}

}  // namespace layerpush::engine
