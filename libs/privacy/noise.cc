// Implements the random sources and the discrete Laplace sampler.
#include "libs/privacy/noise.h"

#include <openssl/rand.h>

#include <cmath>
#include <cstdlib>

namespace bridging::privacy {
namespace {

// Geometric on {0, 1, ...} with P(G = k) = (1 - a) a^k, by inversion: floor(ln U / ln a).
int64_t SampleGeometric(double log_a, RandomSource& random) {
  const double u = random.NextUnitInterval();
  const double g = std::floor(std::log(u) / log_a);
  // Beyond 2^52 the draw is meaningless; such tails have probability far below 2^-53.
  return g > 4.5e15 ? static_cast<int64_t>(4.5e15) : static_cast<int64_t>(g);
}

}  // namespace

double RandomSource::NextUnitInterval() {
  // (Next() >> 11) is uniform on [0, 2^53); shifting by one makes it (0, 1].
  return (static_cast<double>(Next() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}

uint64_t CryptoRandom::Next() {
  if (left_ == 0) {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(buffer_), sizeof(buffer_)) != 1) {
      std::abort();  // no entropy: noise that is not random is no protection
    }
    left_ = sizeof(buffer_) / sizeof(buffer_[0]);
  }
  return buffer_[--left_];
}

int64_t SampleDiscreteLaplace(double scale, RandomSource& random) {
  const double log_a = -1.0 / scale;  // ln a, a = exp(-1/scale)
  return SampleGeometric(log_a, random) - SampleGeometric(log_a, random);
}

double DiscreteLaplacePmf(double scale, int64_t k) {
  const double a = std::exp(-1.0 / scale);
  return (1.0 - a) / (1.0 + a) * std::pow(a, static_cast<double>(std::llabs(k)));
}

}  // namespace bridging::privacy
