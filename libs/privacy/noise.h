// Differential-privacy noise for counts: the discrete Laplace distribution (the two-sided
// geometric mechanism), P(k) ∝ exp(-|k| / scale) on the integers. Counts are integers, and
// integer noise has none of the floating-point weaknesses of the continuous Laplace
// (Mironov 2012); it is ε-DP with scale = sensitivity / ε, as the continuous one is.
//
//   CryptoRandom random;
//   int64_t noisy = count + SampleDiscreteLaplace(1.0 / epsilon, random);
#pragma once

#include <cstdint>
#include <random>

namespace bridging::privacy {

// Uniform random 64-bit words.
class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual uint64_t Next() = 0;
  // Uniform on (0, 1], 53 bits.
  double NextUnitInterval();
};

// OpenSSL's CSPRNG (RAND_bytes): what production uses. Not thread-safe; one per call site.
class CryptoRandom final : public RandomSource {
 public:
  uint64_t Next() override;

 private:
  uint64_t buffer_[32];
  int left_ = 0;
};

// A seeded generator for reproducible tests only (predictable: never for real noise).
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : engine_(seed) {}
  uint64_t Next() override { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

// One draw of discrete Laplace noise with the given scale (> 0): the difference of two
// geometric variables with p = 1 - exp(-1/scale).
int64_t SampleDiscreteLaplace(double scale, RandomSource& random);

// P(noise = k) for the same distribution: (1 - a) / (1 + a) * a^|k| with a = exp(-1/scale).
double DiscreteLaplacePmf(double scale, int64_t k);

}  // namespace bridging::privacy
