// The differential-privacy budget of each research team: ε is spent per noised query, never
// refunded, and a query that would overspend is refused (RESOURCE_EXHAUSTED) before any
// noised value is computed. Amounts are kept in micro-ε integers, so repeated spends never
// drift; a spend is rounded up to the next micro-ε.
//
//   InMemoryBudgetLedger ledger(/*total_epsilon=*/5.0);
//   ASSIGN_OR_RETURN(BudgetBalance b, ledger.Spend("researchers/team-a", 0.5));
#pragma once

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace bridging::privacy {

inline constexpr int64_t kMicroEpsilon = 1000000;

struct BudgetBalance {
  int64_t total_micro = 0;
  int64_t spent_micro = 0;
  double total() const { return static_cast<double>(total_micro) / kMicroEpsilon; }
  double spent() const { return static_cast<double>(spent_micro) / kMicroEpsilon; }
  double remaining() const {
    return static_cast<double>(total_micro - spent_micro) / kMicroEpsilon;
  }
};

// Storage of the ledger: an in-memory one here, a Redis one in redis_budget_ledger.h.
class BudgetLedger {
 public:
  virtual ~BudgetLedger() = default;
  // Adds `epsilon` to the team's spend if the total allows it, atomically; the balance
  // after. RESOURCE_EXHAUSTED (nothing spent) if it does not; INVALID_ARGUMENT for a bad
  // team name or an epsilon that is not finite and > 0.
  virtual absl::StatusOr<BudgetBalance> Spend(absl::string_view team, double epsilon) = 0;
  virtual absl::StatusOr<BudgetBalance> Balance(absl::string_view team) = 0;
};

// Checks what every ledger checks: team is 1-200 printable ASCII bytes without spaces,
// epsilon is finite, > 0 and at most 1000. Returns epsilon in micro-ε, rounded up.
absl::StatusOr<int64_t> CheckSpend(absl::string_view team, double epsilon);
absl::Status CheckTeam(absl::string_view team);

// RESOURCE_EXHAUSTED saying how much is left.
absl::Status BudgetExhausted(absl::string_view team, int64_t total_micro, int64_t spent_micro,
                             int64_t asked_micro);

// A ledger in process memory (tests, single-process tools). Thread-safe.
class InMemoryBudgetLedger final : public BudgetLedger {
 public:
  explicit InMemoryBudgetLedger(double total_epsilon);
  absl::StatusOr<BudgetBalance> Spend(absl::string_view team, double epsilon) override;
  absl::StatusOr<BudgetBalance> Balance(absl::string_view team) override;

 private:
  const int64_t total_micro_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, int64_t> spent_ ABSL_GUARDED_BY(mu_);
};

}  // namespace bridging::privacy
