// Tests the gateway's Limiter: token-bucket burst and refill on an injected clock, per-caller
// isolation, the per-caller and global in-flight caps with Slot release, and caps that hold
// under concurrent Acquire/Release.
#include "services/gateway/limiter.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bridging::gateway {
namespace {

using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);
constexpr char kHope[] = "charities/hope";
constexpr char kLeeds[] = "practices/leeds-1";

LimiterOptions Options(double rate, double burst, int per_caller, int global) {
  LimiterOptions options;
  options.rate_per_second = rate;
  options.burst = burst;
  options.max_in_flight_per_caller = per_caller;
  options.max_in_flight = global;
  return options;
}

// Acquires and releases at once; true when the call was admitted.
bool Admitted(Limiter& limiter, absl::string_view caller, absl::Time now) {
  return limiter.Acquire(caller, now).ok();
}

TEST(LimiterTest, BurstThenExhaustedWithRetryHint) {
  Limiter limiter(Options(/*rate=*/10, /*burst=*/5, 100, 100));
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(Admitted(limiter, kHope, kT0)) << i;
  absl::StatusOr<Limiter::Slot> refused = limiter.Acquire(kHope, kT0);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  // One token at 10/s is 100 ms away.
  EXPECT_THAT(refused.status().message(), HasSubstr("retry in 100 ms"));
  EXPECT_THAT(refused.status().message(), HasSubstr(kHope));
  // A refused call takes no in-flight place.
  EXPECT_EQ(limiter.InFlight(kHope), 0);
}

TEST(LimiterTest, RetryHintShrinksAsTimePasses) {
  Limiter limiter(Options(10, 1, 100, 100));
  ASSERT_TRUE(Admitted(limiter, kHope, kT0));
  absl::StatusOr<Limiter::Slot> refused = limiter.Acquire(kHope, kT0 + absl::Milliseconds(40));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("retry in 60 ms"));
}

TEST(LimiterTest, RefillsOverInjectedTime) {
  Limiter limiter(Options(10, 5, 100, 100));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Admitted(limiter, kHope, kT0));
  ASSERT_FALSE(Admitted(limiter, kHope, kT0));
  // 50 ms earns half a token: not enough.
  EXPECT_FALSE(Admitted(limiter, kHope, kT0 + absl::Milliseconds(50)));
  // 100 ms earns one.
  EXPECT_TRUE(Admitted(limiter, kHope, kT0 + absl::Milliseconds(100)));
  EXPECT_FALSE(Admitted(limiter, kHope, kT0 + absl::Milliseconds(100)));
  // 300 ms more earns three.
  const absl::Time later = kT0 + absl::Milliseconds(400);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Admitted(limiter, kHope, later)) << i;
  EXPECT_FALSE(Admitted(limiter, kHope, later));
}

TEST(LimiterTest, RefillIsCappedAtBurst) {
  Limiter limiter(Options(10, 5, 100, 100));
  ASSERT_TRUE(Admitted(limiter, kHope, kT0));
  // An hour earns 36000 tokens, but the bucket holds only 5.
  const absl::Time later = kT0 + absl::Hours(1);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(Admitted(limiter, kHope, later)) << i;
  EXPECT_FALSE(Admitted(limiter, kHope, later));
}

TEST(LimiterTest, ClockGoingBackwardsEarnsNothing) {
  Limiter limiter(Options(10, 2, 100, 100));
  ASSERT_TRUE(Admitted(limiter, kHope, kT0));
  ASSERT_TRUE(Admitted(limiter, kHope, kT0));
  EXPECT_FALSE(Admitted(limiter, kHope, kT0 - absl::Hours(1)));
  // Nor does going back make the bucket forget what it spent.
  EXPECT_FALSE(Admitted(limiter, kHope, kT0));
  EXPECT_TRUE(Admitted(limiter, kHope, kT0 + absl::Milliseconds(100)));
}

TEST(LimiterTest, CallersAreIsolated) {
  Limiter limiter(Options(1, 3, 100, 100));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Admitted(limiter, kHope, kT0));
  ASSERT_FALSE(Admitted(limiter, kHope, kT0));
  // Another organisation still has its whole burst.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Admitted(limiter, kLeeds, kT0)) << i;
  EXPECT_FALSE(Admitted(limiter, kLeeds, kT0));
  // And in-flight places are counted per caller.
  absl::StatusOr<Limiter::Slot> slot = limiter.Acquire("researchers/team-a", kT0);
  ASSERT_TRUE(slot.ok());
  EXPECT_EQ(limiter.InFlight("researchers/team-a"), 1);
  EXPECT_EQ(limiter.InFlight(kHope), 0);
  EXPECT_EQ(limiter.InFlight("nobody/asked"), 0);
}

TEST(LimiterTest, PerCallerInFlightCapAndReleaseOnDestruction) {
  Limiter limiter(Options(1000, 1000, /*per_caller=*/2, /*global=*/100));
  {
    absl::StatusOr<Limiter::Slot> a = limiter.Acquire(kHope, kT0);
    absl::StatusOr<Limiter::Slot> b = limiter.Acquire(kHope, kT0);
    ASSERT_TRUE(a.ok());
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(limiter.InFlight(kHope), 2);
    absl::StatusOr<Limiter::Slot> c = limiter.Acquire(kHope, kT0);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted);
    EXPECT_THAT(c.status().message(), HasSubstr("in flight"));
    EXPECT_EQ(limiter.InFlight(kHope), 2);
    // Another caller is not affected.
    EXPECT_TRUE(Admitted(limiter, kLeeds, kT0));
  }
  EXPECT_EQ(limiter.InFlight(kHope), 0);
  absl::StatusOr<Limiter::Slot> again = limiter.Acquire(kHope, kT0);
  EXPECT_TRUE(again.ok());
  EXPECT_EQ(limiter.InFlight(kHope), 1);
}

TEST(LimiterTest, InFlightRefusalSpendsNoToken) {
  Limiter limiter(Options(/*rate=*/0.001, /*burst=*/2, /*per_caller=*/1, 100));
  absl::StatusOr<Limiter::Slot> first = limiter.Acquire(kHope, kT0);
  ASSERT_TRUE(first.ok());
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(Admitted(limiter, kHope, kT0));
  first->Release();
  // The second token is still there: the five refusals above spent none.
  EXPECT_TRUE(Admitted(limiter, kHope, kT0));
  absl::StatusOr<Limiter::Slot> third = limiter.Acquire(kHope, kT0);
  ASSERT_FALSE(third.ok());
  EXPECT_THAT(third.status().message(), HasSubstr("rate limit"));
}

TEST(LimiterTest, GlobalInFlightCap) {
  Limiter limiter(Options(1000, 1000, /*per_caller=*/2, /*global=*/3));
  absl::StatusOr<Limiter::Slot> a1 = limiter.Acquire(kHope, kT0);
  absl::StatusOr<Limiter::Slot> a2 = limiter.Acquire(kHope, kT0);
  absl::StatusOr<Limiter::Slot> b1 = limiter.Acquire(kLeeds, kT0);
  ASSERT_TRUE(a1.ok());
  ASSERT_TRUE(a2.ok());
  ASSERT_TRUE(b1.ok());
  absl::StatusOr<Limiter::Slot> b2 = limiter.Acquire(kLeeds, kT0);
  ASSERT_FALSE(b2.ok());
  EXPECT_EQ(b2.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(b2.status().message(), HasSubstr("limit of calls in flight"));
  absl::StatusOr<Limiter::Slot> c1 = limiter.Acquire("researchers/team-a", kT0);
  EXPECT_FALSE(c1.ok());
  EXPECT_EQ(limiter.InFlight("researchers/team-a"), 0);

  // Freeing any place lets another caller in.
  a1->Release();
  EXPECT_EQ(limiter.InFlight(kHope), 1);
  c1 = limiter.Acquire("researchers/team-a", kT0);
  EXPECT_TRUE(c1.ok());
  EXPECT_FALSE(Admitted(limiter, kLeeds, kT0));
}

TEST(LimiterTest, ReleaseIsIdempotent) {
  Limiter limiter(Options(1000, 1000, 5, 2));
  absl::StatusOr<Limiter::Slot> a = limiter.Acquire(kHope, kT0);
  absl::StatusOr<Limiter::Slot> b = limiter.Acquire(kHope, kT0);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  a->Release();
  a->Release();
  // Releasing twice must not free b's place too.
  EXPECT_EQ(limiter.InFlight(kHope), 1);
  absl::StatusOr<Limiter::Slot> c = limiter.Acquire(kLeeds, kT0);
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(Admitted(limiter, kLeeds, kT0));  // global cap 2 reached: b and c
}

TEST(LimiterTest, MoveAssignmentReleasesTheOldPlace) {
  Limiter limiter(Options(1000, 1000, 5, 100));
  absl::StatusOr<Limiter::Slot> a = limiter.Acquire(kHope, kT0);
  absl::StatusOr<Limiter::Slot> b = limiter.Acquire(kLeeds, kT0);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  Limiter::Slot held = *std::move(a);
  EXPECT_EQ(limiter.InFlight(kHope), 1);  // a move keeps the place
  held = *std::move(b);                   // frees kHope's place, takes kLeeds's
  EXPECT_EQ(limiter.InFlight(kHope), 0);
  EXPECT_EQ(limiter.InFlight(kLeeds), 1);
  // The moved-from slots hold nothing: destroying them frees nothing more.
  {
    Limiter::Slot moved_from = *std::move(b);
    (void)moved_from;
  }
  EXPECT_EQ(limiter.InFlight(kLeeds), 1);
  held = Limiter::Slot();
  EXPECT_EQ(limiter.InFlight(kLeeds), 0);
}

TEST(LimiterTest, MoveConstructionCarriesThePlace) {
  Limiter limiter(Options(1000, 1000, 1, 100));
  std::vector<Limiter::Slot> slots;
  {
    absl::StatusOr<Limiter::Slot> a = limiter.Acquire(kHope, kT0);
    ASSERT_TRUE(a.ok());
    slots.push_back(*std::move(a));
  }
  // The temporary is gone but the vector still holds the place.
  EXPECT_EQ(limiter.InFlight(kHope), 1);
  EXPECT_FALSE(Admitted(limiter, kHope, kT0));
  slots.clear();
  EXPECT_EQ(limiter.InFlight(kHope), 0);
  EXPECT_TRUE(Admitted(limiter, kHope, kT0));
}

TEST(LimiterTest, ConcurrentAcquireReleaseNeverExceedsTheCaps) {
  constexpr int kPerCaller = 3;
  constexpr int kGlobal = 5;
  constexpr int kThreads = 8;
  constexpr int kIterations = 4000;
  const std::vector<std::string> callers = {"charities/a", "practices/b", "researchers/c"};
  Limiter limiter(Options(1e12, 1e12, kPerCaller, kGlobal));

  // Counted after a successful Acquire and before the Release, so these never exceed what
  // the limiter itself counts.
  std::atomic<int> global{0};
  std::atomic<int> per_caller[3] = {0, 0, 0};
  std::atomic<int> max_global{0};
  std::atomic<int> max_per_caller{0};
  std::atomic<int> admitted{0};
  auto raise = [](std::atomic<int>& max, int value) {
    int seen = max.load();
    while (value > seen && !max.compare_exchange_weak(seen, value)) {
    }
  };

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::pair<int, Limiter::Slot>> held;
      for (int i = 0; i < kIterations; ++i) {
        const int c = (t + i) % 3;
        absl::StatusOr<Limiter::Slot> slot = limiter.Acquire(callers[c], kT0);
        if (slot.ok()) {
          admitted.fetch_add(1);
          raise(max_global, global.fetch_add(1) + 1);
          raise(max_per_caller, per_caller[c].fetch_add(1) + 1);
          held.emplace_back(c, *std::move(slot));
        }
        // Release some held places, oldest first, so several are held at once.
        while (held.size() > static_cast<size_t>(i % 3)) {
          global.fetch_sub(1);
          per_caller[held.front().first].fetch_sub(1);
          held.erase(held.begin());
        }
      }
      for (auto& [c, slot] : held) {
        global.fetch_sub(1);
        per_caller[c].fetch_sub(1);
        slot.Release();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_GT(admitted.load(), 0);
  EXPECT_LE(max_global.load(), kGlobal);
  EXPECT_LE(max_per_caller.load(), kPerCaller);
  for (const std::string& caller : callers) EXPECT_EQ(limiter.InFlight(caller), 0) << caller;

  // The global count is back to zero too: the whole global cap is available again.
  std::vector<Limiter::Slot> slots;
  for (int i = 0; i < kGlobal; ++i) {
    absl::StatusOr<Limiter::Slot> slot = limiter.Acquire(absl::StrCat("services/s", i), kT0);
    ASSERT_TRUE(slot.ok()) << i << ": " << slot.status();
    slots.push_back(*std::move(slot));
  }
  EXPECT_FALSE(Admitted(limiter, "services/one-more", kT0));
}

}  // namespace
}  // namespace bridging::gateway
