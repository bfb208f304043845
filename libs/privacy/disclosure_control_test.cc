// Unit tests of disclosure control. Secondary suppression is checked with an oracle that
// shares no code with the implementation: in a table whose rows and columns sum to their
// totals, a withheld entry can be worked out exactly iff it lies on no cycle of withheld
// entries (alternately sharing a row and a column) — the classic result for two-way tables.
#include "libs/privacy/disclosure_control.h"

#include <queue>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bridging::privacy {
namespace {

using common::v1::Cell;
using common::v1::DisclosurePolicy;
using common::v1::Table;
using ::testing::HasSubstr;

// A wide table with totals computed from `values`.
Table WithTotals(const std::vector<std::vector<int>>& values) {
  Table t;
  t.add_row_dimensions("theme");
  for (size_t c = 0; c < values[0].size(); ++c) t.add_columns("c" + std::to_string(c));
  std::vector<int> col(values[0].size(), 0);
  int grand = 0;
  for (size_t r = 0; r < values.size(); ++r) {
    auto* row = t.add_rows();
    row->add_labels("r" + std::to_string(r));
    int sum = 0;
    for (size_t c = 0; c < values[r].size(); ++c) {
      row->add_cells()->set_value(values[r][c]);
      sum += values[r][c];
      col[c] += values[r][c];
    }
    row->mutable_total()->set_value(sum);
    grand += sum;
  }
  for (int v : col) t.add_column_totals()->set_value(v);
  t.mutable_grand_total()->set_value(grand);
  t.set_has_totals(true);
  return t;
}

const Cell& At(const Table& t, size_t r, size_t c) {
  const size_t rows = t.rows_size(), cols = t.columns_size();
  if (r == rows) return c == cols ? t.grand_total() : t.column_totals(c);
  return c == cols ? t.rows(r).total() : t.rows(r).cells(c);
}

// The oracle: every withheld entry of the (R+1) x (C+1) grid lies on a cycle of withheld
// entries. Returns a description of the first that does not.
std::string FindRecoverable(const Table& t) {
  const size_t h = t.rows_size() + 1, w = t.columns_size() + 1;
  for (size_t r0 = 0; r0 < h; ++r0) {
    for (size_t c0 = 0; c0 < w; ++c0) {
      if (!At(t, r0, c0).suppressed()) continue;
      // Is column c0 reachable from row r0 without the edge (r0, c0)? Nodes: rows 0..h-1,
      // columns h..h+w-1; edges: withheld entries.
      std::vector<bool> seen(h + w, false);
      std::queue<size_t> q;
      q.push(r0);
      seen[r0] = true;
      while (!q.empty()) {
        const size_t node = q.front();
        q.pop();
        for (size_t other = 0; other < (node < h ? w : h); ++other) {
          const size_t r = node < h ? node : other, c = node < h ? other : node - h;
          if ((r == r0 && c == c0) || !At(t, r, c).suppressed()) continue;
          const size_t next = node < h ? h + c : r;
          if (!seen[next]) {
            seen[next] = true;
            q.push(next);
          }
        }
      }
      if (!seen[h + c0]) {
        return "entry (" + std::to_string(r0) + ", " + std::to_string(c0) + ") is recoverable";
      }
    }
  }
  return "";
}

TEST(DisclosureControlTest, SuppressesSevenOrFewerAndRoundsTheRestToFive) {
  Table t;
  t.add_row_dimensions("theme");
  t.add_columns("count");
  for (int v : {0, 3, 7, 8, 12, 13, 102}) {
    auto* row = t.add_rows();
    row->add_labels("x");
    row->add_cells()->set_value(v);
  }
  auto r = ApplyDisclosureControl(t, DisclosurePolicy());
  ASSERT_TRUE(r.ok()) << r.status();
  const std::vector<double> want = {0, 0, 0, 10, 10, 15, 100};
  for (int i = 0; i < 7; ++i) {
    const Cell& cell = r->table.rows(i).cells(0);
    EXPECT_EQ(cell.suppressed(), i < 3) << i;
    EXPECT_EQ(cell.value(), want[i]) << i;
    if (i < 3) {
      EXPECT_EQ(cell.reason(), common::v1::SUPPRESSION_REASON_BELOW_THRESHOLD);
    }
  }
  EXPECT_EQ(r->cells_suppressed_primary, 3);
  EXPECT_EQ(r->cells_suppressed_secondary, 0);
  EXPECT_EQ(r->applied_policy.threshold(), 7);
  EXPECT_EQ(r->applied_policy.rounding_base(), 5);
  EXPECT_TRUE(r->applied_policy.secondary_suppression());
  EXPECT_FALSE(r->applied_policy.has_epsilon());
  EXPECT_EQ(r->epsilon_spent, 0);
}

TEST(DisclosureControlTest, ThresholdAndRoundingAreConfigurable) {
  Table t = WithTotals({{9, 20}});
  t.set_has_totals(false);
  DisclosurePolicy policy;
  policy.set_threshold(10);
  policy.set_rounding_base(1);
  auto r = ApplyDisclosureControl(t, policy);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->table.rows(0).cells(0).suppressed());
  EXPECT_EQ(r->table.rows(0).cells(1).value(), 20);
  // Without totals the input's totals never leak out.
  EXPECT_FALSE(r->table.rows(0).has_total());
  EXPECT_EQ(r->table.column_totals_size(), 0);
}

TEST(DisclosureControlTest, FewContributorsSuppressAndAreNeverReturned) {
  Table t;
  t.add_row_dimensions("theme");
  t.add_columns("count");
  t.add_columns("median_days_to_done");
  auto* row = t.add_rows();
  row->add_labels("a");
  row->add_cells()->set_value(40);             // 40 contributions...
  row->mutable_cells(0)->set_contributors(3);  // ...from 3 people
  row->add_cells()->set_value(12.5);
  row->mutable_cells(1)->set_contributors(3);
  row = t.add_rows();
  row->add_labels("b");
  row->add_cells()->set_value(40);
  row->mutable_cells(0)->set_contributors(20);
  row->add_cells()->set_value(4.5);  // a median of 4.5 days over 20 actions: not a count
  row->mutable_cells(1)->set_contributors(20);
  auto r = ApplyDisclosureControl(t, DisclosurePolicy());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->table.rows(0).cells(0).suppressed());
  EXPECT_TRUE(r->table.rows(0).cells(1).suppressed());
  EXPECT_EQ(r->table.rows(1).cells(0).value(), 40);
  EXPECT_EQ(r->table.rows(1).cells(1).value(), 4.5);
  for (const auto& out_row : r->table.rows()) {
    for (const auto& cell : out_row.cells()) EXPECT_EQ(cell.contributors(), 0);
  }
}

TEST(DisclosureControlTest, SecondarySuppressionInALongTableWithTotals) {
  // One column: a row total repeats its cell, so both go; then a second cell in the column.
  Table t = WithTotals({{3}, {20}, {30}, {45}});
  auto r = ApplyDisclosureControl(t, DisclosurePolicy());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->table.rows(0).cells(0).suppressed());
  EXPECT_TRUE(r->table.rows(0).total().suppressed());
  EXPECT_TRUE(r->table.rows(1).cells(0).suppressed());  // the smallest other cell
  EXPECT_EQ(r->table.rows(1).cells(0).reason(), common::v1::SUPPRESSION_REASON_SECONDARY);
  EXPECT_FALSE(r->table.rows(2).cells(0).suppressed());
  EXPECT_EQ(r->table.column_totals(0).value(), 100);
  EXPECT_EQ(FindRecoverable(r->table), "");
}

TEST(DisclosureControlTest, SecondarySuppressionCanBeTurnedOff) {
  DisclosurePolicy policy;
  policy.set_secondary_suppression(false);
  auto r = ApplyDisclosureControl(WithTotals({{3, 50}, {40, 60}}), policy);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->cells_suppressed_secondary, 0);
  EXPECT_NE(FindRecoverable(r->table), "");
}

TEST(DisclosureControlTest, ABridgeBetweenTwoSuppressedBlocksIsCaught) {
  // Rows and columns each hold two or more withheld cells, yet (0, 2) joins two closed
  // blocks and follows from the totals: only the exact check sees it.
  const std::vector<std::vector<int>> values = {
      {2, 3, 4, 90}, {5, 6, 80, 70}, {60, 50, 2, 3}, {40, 30, 4, 5}};
  DisclosurePolicy policy;
  policy.set_secondary_suppression(false);
  auto primary_only = ApplyDisclosureControl(WithTotals(values), policy);
  ASSERT_TRUE(primary_only.ok());
  EXPECT_EQ(FindRecoverable(primary_only->table), "entry (0, 2) is recoverable");

  auto r = ApplyDisclosureControl(WithTotals(values), DisclosurePolicy());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->cells_suppressed_primary, 9);
  EXPECT_GE(r->cells_suppressed_secondary, 1);
  EXPECT_EQ(FindRecoverable(r->table), "");
}

TEST(DisclosureControlTest, RandomTablesNeverLeaveARecoverableCell) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 300; ++trial) {
    const int rows = 1 + static_cast<int>(rng() % 6), cols = 1 + static_cast<int>(rng() % 6);
    std::vector<std::vector<int>> values(rows, std::vector<int>(cols));
    for (auto& row : values) {
      for (int& v : row) v = rng() % 3 == 0 ? static_cast<int>(rng() % 8) : 8 + rng() % 60;
    }
    auto r = ApplyDisclosureControl(WithTotals(values), DisclosurePolicy());
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(FindRecoverable(r->table), "") << "trial " << trial;
    // Every small count stays withheld; every published value is a multiple of 5.
    for (int i = 0; i < rows; ++i) {
      for (int j = 0; j < cols; ++j) {
        const Cell& cell = r->table.rows(i).cells(j);
        if (values[i][j] <= 7) {
          EXPECT_TRUE(cell.suppressed());
        }
        if (!cell.suppressed()) {
          EXPECT_EQ(static_cast<int>(cell.value()) % 5, 0);
        }
      }
    }
  }
}

TEST(DisclosureControlTest, NoiseIsAddedAndTotalsAreSumsOfTheNoisedCells) {
  SeededRandom random(3);
  DisclosureOptions options;
  options.random = &random;
  DisclosurePolicy policy;
  policy.set_epsilon(0.5);
  policy.set_rounding_base(1);
  const std::vector<std::vector<int>> values = {{200, 300, 400}, {500, 600, 700}};
  auto r = ApplyDisclosureControl(WithTotals(values), policy, options);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_DOUBLE_EQ(r->epsilon_spent, 0.5);
  int changed = 0;
  double grand = 0;
  for (int i = 0; i < 2; ++i) {
    double sum = 0;
    for (int j = 0; j < 3; ++j) {
      const Cell& cell = r->table.rows(i).cells(j);
      EXPECT_TRUE(cell.noised());
      changed += cell.value() != values[i][j] ? 1 : 0;
      sum += cell.value();
    }
    EXPECT_EQ(r->table.rows(i).total().value(), sum);
    grand += sum;
  }
  EXPECT_EQ(r->table.grand_total().value(), grand);
  EXPECT_GT(changed, 2);  // scale 2: most cells move
}

TEST(DisclosureControlTest, ValidationNamesTheField) {
  auto message = [](const Table& t, const DisclosurePolicy& p) {
    return std::string(ApplyDisclosureControl(t, p).status().message());
  };
  DisclosurePolicy p;
  Table t = WithTotals({{10, 20}});
  t.mutable_rows(0)->add_cells();
  EXPECT_THAT(message(t, p), HasSubstr("table.rows[0].cells"));
  t = WithTotals({{10, 20}});
  t.mutable_rows(0)->mutable_cells(1)->set_value(-1);
  EXPECT_THAT(message(t, p), HasSubstr("table.rows[0].cells[1].value"));
  t = WithTotals({{10, 20}});
  t.mutable_rows(0)->clear_total();
  EXPECT_THAT(message(t, p), HasSubstr("table.rows[0].total"));
  t = WithTotals({{10, 20}});
  t.clear_grand_total();
  EXPECT_THAT(message(t, p), HasSubstr("table.grand_total"));
  t = WithTotals({{10, 20}});
  t.set_columns(1, "median_days");
  EXPECT_THAT(message(t, p), HasSubstr("table.has_totals"));
  t = WithTotals({{10, 20}});
  t.mutable_rows(0)->add_labels("extra");
  EXPECT_THAT(message(t, p), HasSubstr("table.rows[0].labels"));
  EXPECT_THAT(message(Table(), p), HasSubstr("table.columns"));
  t = WithTotals({{10, 20}});
  p.set_threshold(1);
  EXPECT_THAT(message(t, p), HasSubstr("policy.threshold"));
  p = DisclosurePolicy();
  p.set_rounding_base(-5);
  EXPECT_THAT(message(t, p), HasSubstr("policy.rounding_base"));
  p = DisclosurePolicy();
  p.set_epsilon(0);
  EXPECT_THAT(message(t, p), HasSubstr("policy.epsilon"));
}

}  // namespace
}  // namespace bridging::privacy
