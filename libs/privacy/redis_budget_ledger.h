// The privacy budget ledger kept in Redis (the store of whichever service answers queries,
// i.e. analytics). One key per team, "<prefix><team>", holding the micro-ε spent as a
// decimal. A spend is a read and a conditional write (AtomicWrite: ExpectValue + Set),
// retried on a concurrent change, so two queries can never both spend the last of a budget.
//
//   RedisBudgetLedger ledger(store, /*total_epsilon=*/5.0);
//   ASSIGN_OR_RETURN(BudgetBalance b, ledger.Spend("researchers/team-a", 0.5));
#pragma once

#include <string>

#include "libs/privacy/budget_ledger.h"
#include "libs/store/store.h"

namespace bridging::privacy {

class RedisBudgetLedger final : public BudgetLedger {
 public:
  // `store` must outlive the ledger.
  RedisBudgetLedger(store::Store& store, double total_epsilon,
                    std::string key_prefix = "analytics:privacy_budget:");

  // As BudgetLedger; UNAVAILABLE when Redis is down (nothing spent), ABORTED if the key kept
  // changing under 16 attempts, DATA_LOSS if the key holds something that is not a number.
  absl::StatusOr<BudgetBalance> Spend(absl::string_view team, double epsilon) override;
  absl::StatusOr<BudgetBalance> Balance(absl::string_view team) override;

 private:
  absl::StatusOr<std::pair<std::string, int64_t>> Read(const std::string& key);

  store::Store& store_;
  const int64_t total_micro_;
  const std::string prefix_;
};

}  // namespace bridging::privacy
