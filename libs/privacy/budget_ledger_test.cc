// Unit tests of the in-memory privacy budget ledger and of disclosure control spending it.
#include "libs/privacy/budget_ledger.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "libs/privacy/disclosure_control.h"

namespace bridging::privacy {
namespace {

TEST(BudgetLedgerTest, SpendsUntilExhaustedAndNeverRefunds) {
  InMemoryBudgetLedger ledger(1.0);
  for (int i = 0; i < 10; ++i) {
    auto b = ledger.Spend("researchers/a", 0.1);
    ASSERT_TRUE(b.ok()) << i << " " << b.status();
  }
  EXPECT_NEAR(ledger.Balance("researchers/a")->remaining(), 0.0, 1e-12);
  auto refused = ledger.Spend("researchers/a", 0.1);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  // Another team has its own budget.
  EXPECT_TRUE(ledger.Spend("researchers/b", 1.0).ok());
  EXPECT_EQ(ledger.Balance("researchers/b")->spent_micro, kMicroEpsilon);
}

TEST(BudgetLedgerTest, RefusesNonsense) {
  InMemoryBudgetLedger ledger(1.0);
  EXPECT_EQ(ledger.Spend("researchers/a", 0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.Spend("researchers/a", -1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.Spend("researchers/a", NAN).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.Spend("", 0.1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.Spend("has space", 0.1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.Balance("researchers/a")->spent_micro, 0);
}

TEST(BudgetLedgerTest, ConcurrentSpendsNeverOverspend) {
  InMemoryBudgetLedger ledger(5.0);
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) granted += ledger.Spend("researchers/a", 0.1).ok() ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 50);
}

common::v1::Table SmallTable() {
  common::v1::Table t;
  t.add_row_dimensions("theme");
  t.add_columns("count");
  for (int v : {120, 80}) {
    auto* row = t.add_rows();
    row->add_labels("x");
    row->add_cells()->set_value(v);
  }
  return t;
}

TEST(BudgetLedgerTest, DisclosureControlSpendsOnlyForNoiseAndRefusesWhenExhausted) {
  InMemoryBudgetLedger ledger(1.0);
  common::v1::DisclosurePolicy policy;
  EXPECT_TRUE(ApplyDisclosureControlWithBudget(SmallTable(), policy, ledger, "researchers/a").ok());
  EXPECT_EQ(ledger.Balance("researchers/a")->spent_micro, 0);

  policy.set_epsilon(0.4);
  auto r = ApplyDisclosureControlWithBudget(SmallTable(), policy, ledger, "researchers/a");
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->epsilon_spent, 0.4);
  EXPECT_TRUE(r->table.rows(0).cells(0).noised());
  EXPECT_TRUE(ApplyDisclosureControlWithBudget(SmallTable(), policy, ledger, "researchers/a").ok());
  auto refused = ApplyDisclosureControlWithBudget(SmallTable(), policy, ledger, "researchers/a");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NEAR(ledger.Balance("researchers/a")->spent(), 0.8, 1e-9);

  // A malformed request is refused before anything is spent.
  common::v1::Table bad = SmallTable();
  bad.mutable_rows(0)->add_cells();
  EXPECT_EQ(ApplyDisclosureControlWithBudget(bad, policy, ledger, "researchers/b").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ledger.Balance("researchers/b")->spent_micro, 0);
}

}  // namespace
}  // namespace bridging::privacy
