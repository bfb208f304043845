// Statistical tests of the discrete Laplace sampler: a chi-squared goodness-of-fit test
// against the exact distribution, with the production CSPRNG and with a seeded generator,
// and a check that the test would notice a wrong scale.
#include "libs/privacy/noise.h"

#include <cmath>
#include <map>

#include "gtest/gtest.h"

namespace bridging::privacy {
namespace {

constexpr int kBinsEachSide = 12;  // bins -12..12, plus one for each tail

// Pearson's chi-squared statistic of `samples` draws at `scale` against the pmf at
// `model_scale`; 27 bins, 26 degrees of freedom.
double ChiSquared(RandomSource& random, double scale, double model_scale, int samples) {
  std::map<int64_t, int64_t> counts;
  for (int i = 0; i < samples; ++i) {
    int64_t k = SampleDiscreteLaplace(scale, random);
    k = std::max<int64_t>(-kBinsEachSide - 1, std::min<int64_t>(kBinsEachSide + 1, k));
    ++counts[k];
  }
  const double a = std::exp(-1.0 / model_scale);
  double chi2 = 0;
  for (int64_t k = -kBinsEachSide - 1; k <= kBinsEachSide + 1; ++k) {
    const bool tail = std::llabs(k) == kBinsEachSide + 1;
    // P(X >= m) for m > 0 is a^m / (1 + a).
    const double p =
        tail ? std::pow(a, kBinsEachSide + 1) / (1 + a) : DiscreteLaplacePmf(model_scale, k);
    const double expected = p * samples;
    const double diff = static_cast<double>(counts[k]) - expected;
    chi2 += diff * diff / expected;
  }
  return chi2;
}

TEST(NoiseTest, PmfSumsToOne) {
  double total = 0;
  for (int64_t k = -2000; k <= 2000; ++k) total += DiscreteLaplacePmf(2.0, k);
  EXPECT_NEAR(total, 1.0, 1e-12);
}

TEST(NoiseTest, SeededDrawsFitTheDistribution) {
  SeededRandom random(42);
  const double chi2 = ChiSquared(random, /*scale=*/2.0, /*model_scale=*/2.0, 200000);
  std::printf("chi-squared (seeded, scale 2, 200000 draws, 26 df) = %.2f; 0.1%% critical = 54.05\n",
              chi2);
  EXPECT_LT(chi2, 54.05);
}

TEST(NoiseTest, CryptoRandomDrawsFitTheDistribution) {
  CryptoRandom random;
  // ε = 1, sensitivity 1: scale 1. Unseeded, so the bar is the 1e-6 critical value (76.2):
  // a correct sampler fails it once in a million runs.
  const double chi2 = ChiSquared(random, 1.0, 1.0, 200000);
  std::printf("chi-squared (CSPRNG, scale 1, 200000 draws, 26 df) = %.2f; 1e-6 critical = 76.2\n",
              chi2);
  EXPECT_LT(chi2, 76.2);
}

TEST(NoiseTest, TheTestNoticesAWrongScale) {
  SeededRandom random(7);
  EXPECT_GT(ChiSquared(random, 2.2, 2.0, 200000), 54.05);
}

TEST(NoiseTest, MeanZeroAndTheRightVariance) {
  SeededRandom random(9);
  const double scale = 3.0, a = std::exp(-1.0 / scale);
  const int n = 200000;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double x = static_cast<double>(SampleDiscreteLaplace(scale, random));
    sum += x;
    sum_sq += x * x;
  }
  const double variance = 2 * a / ((1 - a) * (1 - a));
  EXPECT_NEAR(sum / n, 0.0, 5 * std::sqrt(variance / n));
  EXPECT_NEAR(sum_sq / n, variance, 0.05 * variance);
}

}  // namespace
}  // namespace bridging::privacy
