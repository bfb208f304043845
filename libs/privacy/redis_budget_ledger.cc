// Implements the Redis ledger with optimistic concurrency over AtomicWrite.
#include "libs/privacy/redis_budget_ledger.h"

#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/store/atomic_write.h"

namespace bridging::privacy {

RedisBudgetLedger::RedisBudgetLedger(store::Store& store, double total_epsilon,
                                     std::string key_prefix)
    : store_(store),
      total_micro_(static_cast<int64_t>(std::llround(total_epsilon * kMicroEpsilon))),
      prefix_(std::move(key_prefix)) {}

absl::StatusOr<std::pair<std::string, int64_t>> RedisBudgetLedger::Read(const std::string& key) {
  absl::StatusOr<store::Reply> reply = store_.Command({"GET", key});
  if (!reply.ok()) return reply.status();
  if (reply->is_nil()) return std::make_pair(std::string(), int64_t{0});
  int64_t spent = 0;
  if (!reply->is_string() || !absl::SimpleAtoi(reply->str, &spent) || spent < 0) {
    return absl::DataLossError(absl::StrCat(key, " does not hold a micro-epsilon count"));
  }
  return std::make_pair(reply->str, spent);
}

absl::StatusOr<BudgetBalance> RedisBudgetLedger::Spend(absl::string_view team, double epsilon) {
  absl::StatusOr<int64_t> micro = CheckSpend(team, epsilon);
  if (!micro.ok()) return micro.status();
  const std::string key = absl::StrCat(prefix_, team);
  for (int attempt = 0; attempt < 16; ++attempt) {
    auto current = Read(key);
    if (!current.ok()) return current.status();
    const auto& [old_value, spent] = *current;
    if (spent + *micro > total_micro_) {
      return BudgetExhausted(team, total_micro_, spent, *micro);
    }
    store::AtomicWrite write;
    write.ExpectValue(key, old_value).Set(key, absl::StrCat(spent + *micro));
    auto committed = store::Commit(store_, "", write);
    if (!committed.ok()) return committed.status();
    if (committed->outcome == store::AtomicWriteResult::Outcome::kApplied) {
      return BudgetBalance{total_micro_, spent + *micro};
    }
    // kConflict: another query spent in between; read again.
  }
  return absl::AbortedError(absl::StrCat("privacy budget of ", team, " kept changing; retry"));
}

absl::StatusOr<BudgetBalance> RedisBudgetLedger::Balance(absl::string_view team) {
  if (absl::Status s = CheckTeam(team); !s.ok()) return s;
  auto current = Read(absl::StrCat(prefix_, team));
  if (!current.ok()) return current.status();
  return BudgetBalance{total_micro_, current->second};
}

}  // namespace bridging::privacy
