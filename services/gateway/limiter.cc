// Implements the token buckets and in-flight caps.
#include "services/gateway/limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace bridging::gateway {

Limiter::Slot& Limiter::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    limiter_ = other.limiter_;
    caller_ = std::move(other.caller_);
    other.limiter_ = nullptr;
  }
  return *this;
}

void Limiter::Slot::Release() {
  if (limiter_ == nullptr) return;
  limiter_->Release(caller_);
  limiter_ = nullptr;
}

absl::StatusOr<Limiter::Slot> Limiter::Acquire(absl::string_view caller, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = buckets_.try_emplace(caller);
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = options_.burst;
    bucket.refilled = now;
  } else if (now > bucket.refilled) {
    const double earned = absl::ToDoubleSeconds(now - bucket.refilled) * options_.rate_per_second;
    bucket.tokens = std::min(options_.burst, bucket.tokens + earned);
    bucket.refilled = now;
  }
  if (bucket.tokens < 1) {
    const double wait_ms = std::ceil((1 - bucket.tokens) / options_.rate_per_second * 1000);
    return absl::ResourceExhaustedError(absl::StrCat("rate limit of ", options_.rate_per_second,
                                                     " calls/s for ", caller, " reached; retry in ",
                                                     wait_ms, " ms"));
  }
  if (bucket.in_flight >= options_.max_in_flight_per_caller) {
    return absl::ResourceExhaustedError(absl::StrCat("too many calls in flight for ", caller, " (",
                                                     options_.max_in_flight_per_caller, ")"));
  }
  if (in_flight_ >= options_.max_in_flight) {
    return absl::ResourceExhaustedError("the gateway is at its limit of calls in flight");
  }
  bucket.tokens -= 1;
  ++bucket.in_flight;
  ++in_flight_;
  Slot slot;
  slot.limiter_ = this;
  slot.caller_ = std::string(caller);
  return slot;
}

int Limiter::InFlight(absl::string_view caller) const {
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(caller);
  return it == buckets_.end() ? 0 : it->second.in_flight;
}

void Limiter::Release(const std::string& caller) {
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(caller);
  if (it != buckets_.end() && it->second.in_flight > 0) --it->second.in_flight;
  if (in_flight_ > 0) --in_flight_;
}

}  // namespace bridging::gateway
