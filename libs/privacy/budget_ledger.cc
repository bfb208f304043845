// Implements the shared ledger checks and the in-memory ledger.
#include "libs/privacy/budget_ledger.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/errors.h"

namespace bridging::privacy {

absl::Status CheckTeam(absl::string_view team) {
  if (team.empty() || team.size() > 200) return InvalidField("team", "must be 1-200 bytes");
  for (char c : team) {
    if (c <= ' ' || c > '~') return InvalidField("team", "must be printable ASCII, no spaces");
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> CheckSpend(absl::string_view team, double epsilon) {
  if (absl::Status s = CheckTeam(team); !s.ok()) return s;
  if (!std::isfinite(epsilon) || epsilon <= 0 || epsilon > 1000) {
    return InvalidField("epsilon", "must be > 0 and at most 1000");
  }
  return static_cast<int64_t>(std::ceil(epsilon * kMicroEpsilon - 1e-6));
}

absl::Status BudgetExhausted(absl::string_view team, int64_t total_micro, int64_t spent_micro,
                             int64_t asked_micro) {
  return absl::ResourceExhaustedError(
      absl::StrFormat("privacy budget of %s exhausted: %.6g of %.6g epsilon left, %.6g asked", team,
                      static_cast<double>(total_micro - spent_micro) / kMicroEpsilon,
                      static_cast<double>(total_micro) / kMicroEpsilon,
                      static_cast<double>(asked_micro) / kMicroEpsilon));
}

InMemoryBudgetLedger::InMemoryBudgetLedger(double total_epsilon)
    : total_micro_(static_cast<int64_t>(std::llround(total_epsilon * kMicroEpsilon))) {}

absl::StatusOr<BudgetBalance> InMemoryBudgetLedger::Spend(absl::string_view team, double epsilon) {
  absl::StatusOr<int64_t> micro = CheckSpend(team, epsilon);
  if (!micro.ok()) return micro.status();
  absl::MutexLock lock(&mu_);
  int64_t& spent = spent_[team];
  if (spent + *micro > total_micro_) return BudgetExhausted(team, total_micro_, spent, *micro);
  spent += *micro;
  return BudgetBalance{total_micro_, spent};
}

absl::StatusOr<BudgetBalance> InMemoryBudgetLedger::Balance(absl::string_view team) {
  if (absl::Status s = CheckTeam(team); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  auto it = spent_.find(team);
  return BudgetBalance{total_micro_, it == spent_.end() ? 0 : it->second};
}

}  // namespace bridging::privacy
