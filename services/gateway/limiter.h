// Per-caller limits at the gateway: a token bucket per organisation (rate and burst) and a
// cap on its calls in flight, plus a cap on all calls in flight, so one tenant's flood slows
// only that tenant.
//
//   ASSIGN_OR_RETURN(Limiter::Slot slot, limiter.Acquire("charities/hope", absl::Now()));
//   ... the call ...   // the slot is released when it goes out of scope
#pragma once

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace bridging::gateway {

struct LimiterOptions {
  // Sustained calls per second per organisation, and how many may come at once.
  double rate_per_second = 200;
  double burst = 400;
  // Calls in flight per organisation, and over all organisations.
  int max_in_flight_per_caller = 64;
  int max_in_flight = 2048;
};

class Limiter {
 public:
  explicit Limiter(LimiterOptions options) : options_(options) {}

  // Holds one in-flight place; releasing it (destruction or move-assignment) frees it.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept { *this = std::move(other); }
    Slot& operator=(Slot&& other) noexcept;
    ~Slot() { Release(); }
    void Release();

   private:
    friend class Limiter;
    Limiter* limiter_ = nullptr;
    std::string caller_;
  };

  // Takes a token and an in-flight place for `caller`; RESOURCE_EXHAUSTED saying which
  // limit was reached (and, for the rate, when a token will be back).
  absl::StatusOr<Slot> Acquire(absl::string_view caller, absl::Time now);

  // Calls in flight for `caller` (for tests and metrics).
  int InFlight(absl::string_view caller) const;

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time refilled;
    int in_flight = 0;
  };
  void Release(const std::string& caller);

  const LimiterOptions options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace bridging::gateway
