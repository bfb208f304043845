// Implements disclosure control over an (R+1) x (C+1) grid: the cells, each row's total in
// column C and the column totals in row R (the grand total at R, C). Every row and column of
// the grid, total included, is one linear equation: the entries sum to the total.
#include "libs/privacy/disclosure_control.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"

namespace bridging::privacy {
namespace {

using common::v1::Cell;
using common::v1::DisclosurePolicy;
using common::v1::Table;

// Above this many withheld entries the exact check is skipped (dense elimination is cubic);
// the row/column rule still holds. Tables from analytics are far smaller.
constexpr size_t kMaxExactCheckVariables = 600;

struct Entry {
  double raw = 0;
  int64_t contributors = 0;
  bool is_count = true;
  bool is_total = false;
  bool suppressed = false;
  common::v1::SuppressionReason reason = common::v1::SUPPRESSION_REASON_UNSPECIFIED;
  double noisy = 0;
  bool noised = false;
};

class Grid {
 public:
  Grid(size_t rows, size_t cols, bool totals)
      : rows_(rows),
        cols_(cols),
        totals_(totals),
        entries_((rows + (totals ? 1 : 0)) * (cols + (totals ? 1 : 0))) {}

  size_t height() const { return rows_ + (totals_ ? 1 : 0); }
  size_t width() const { return cols_ + (totals_ ? 1 : 0); }
  Entry& at(size_t r, size_t c) { return entries_[r * width() + c]; }
  const Entry& at(size_t r, size_t c) const { return entries_[r * width() + c]; }
  bool totals() const { return totals_; }
  size_t rows() const { return rows_; }
  size_t cols() const { return cols_; }

  // Lines: 0..height()-1 are grid rows, height().. are grid columns. Each lists its entries
  // as (r, c); the total is the last.
  size_t line_count() const { return height() + width(); }
  std::vector<std::pair<size_t, size_t>> Line(size_t line) const {
    std::vector<std::pair<size_t, size_t>> out;
    if (line < height()) {
      for (size_t c = 0; c < width(); ++c) out.emplace_back(line, c);
    } else {
      for (size_t r = 0; r < height(); ++r) out.emplace_back(r, line - height());
    }
    return out;
  }
  // The line crossing `line` at (r, c).
  size_t Crossing(size_t line, size_t r, size_t c) const {
    return line < height() ? height() + c : r;
  }
  size_t SuppressedIn(size_t line) const {
    size_t n = 0;
    for (auto [r, c] : Line(line)) n += at(r, c).suppressed ? 1 : 0;
    return n;
  }

 private:
  size_t rows_, cols_;
  bool totals_;
  std::vector<Entry> entries_;
};

bool DefaultIsCount(absl::string_view column) {
  return !absl::StartsWith(column, "median_") && !absl::StartsWith(column, "mean_");
}

absl::Status CheckCell(const Cell& cell, const std::string& field) {
  if (!std::isfinite(cell.value()) || cell.value() < 0) {
    return InvalidField(absl::StrCat(field, ".value"), "must be a finite number >= 0");
  }
  if (cell.contributors() < 0) return InvalidField(absl::StrCat(field, ".contributors"), "< 0");
  return absl::OkStatus();
}

struct Policy {
  int threshold;
  int rounding_base;
  bool secondary;
  bool noise;
  double epsilon;
};

absl::StatusOr<Policy> CheckPolicy(const DisclosurePolicy& p) {
  Policy out;
  out.threshold = p.threshold() == 0 ? kDefaultThreshold : p.threshold();
  if (out.threshold < 2 || out.threshold > 1000) {
    return InvalidField("policy.threshold", "must be 0 (default 7) or 2-1000");
  }
  out.rounding_base = p.rounding_base() == 0 ? kDefaultRoundingBase : p.rounding_base();
  if (out.rounding_base < 1 || out.rounding_base > 1000) {
    return InvalidField("policy.rounding_base", "must be 0 (default 5) or 1-1000");
  }
  out.secondary = !p.has_secondary_suppression() || p.secondary_suppression();
  out.noise = p.has_epsilon();
  out.epsilon = p.epsilon();
  if (out.noise && (!std::isfinite(out.epsilon) || out.epsilon <= 0 || out.epsilon > 100)) {
    return InvalidField("policy.epsilon", "must be > 0 and at most 100 when set");
  }
  return out;
}

absl::Status CheckTable(const Table& t, const DisclosureOptions& options) {
  if (t.columns_size() == 0) return InvalidField("table.columns", "must not be empty");
  if (t.columns_size() > kMaxTableColumns) {
    return InvalidField("table.columns", absl::StrCat("at most ", kMaxTableColumns));
  }
  if (t.rows_size() > kMaxTableRows) {
    return InvalidField("table.rows", absl::StrCat("at most ", kMaxTableRows));
  }
  const auto& is_count = options.is_count_column ? options.is_count_column : DefaultIsCount;
  for (int i = 0; i < t.rows_size(); ++i) {
    const auto& row = t.rows(i);
    const std::string field = absl::StrCat("table.rows[", i, "]");
    if (row.labels_size() != t.row_dimensions_size()) {
      return InvalidField(absl::StrCat(field, ".labels"), "needs one label per row dimension");
    }
    if (row.cells_size() != t.columns_size()) {
      return InvalidField(absl::StrCat(field, ".cells"), "needs one cell per column");
    }
    for (int j = 0; j < row.cells_size(); ++j) {
      if (absl::Status s = CheckCell(row.cells(j), absl::StrCat(field, ".cells[", j, "]"));
          !s.ok()) {
        return s;
      }
    }
    if (t.has_totals()) {
      if (!row.has_total()) return InvalidField(absl::StrCat(field, ".total"), "is missing");
      if (absl::Status s = CheckCell(row.total(), absl::StrCat(field, ".total")); !s.ok()) {
        return s;
      }
    }
  }
  if (t.has_totals()) {
    for (const std::string& column : t.columns()) {
      if (!is_count(column)) {
        return InvalidField("table.has_totals",
                            absl::StrCat("column \"", column, "\" is not a count; no totals"));
      }
    }
    if (t.column_totals_size() != t.columns_size()) {
      return InvalidField("table.column_totals", "needs one total per column");
    }
    for (int j = 0; j < t.column_totals_size(); ++j) {
      if (absl::Status s =
              CheckCell(t.column_totals(j), absl::StrCat("table.column_totals[", j, "]"));
          !s.ok()) {
        return s;
      }
    }
    if (!t.has_grand_total()) return InvalidField("table.grand_total", "is missing");
    if (absl::Status s = CheckCell(t.grand_total(), "table.grand_total"); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// The entry to withhold next in `line` (nullopt if none is left): cells before totals,
// entries whose crossing line already has a withheld one (they pair up), smaller first.
std::optional<std::pair<size_t, size_t>> PickPartner(const Grid& g, size_t line) {
  std::optional<std::pair<size_t, size_t>> best;
  std::tuple<bool, bool, double, size_t> best_key;
  size_t index = 0;
  for (auto [r, c] : g.Line(line)) {
    const Entry& e = g.at(r, c);
    ++index;
    if (e.suppressed) continue;
    const bool crossing_empty = g.SuppressedIn(g.Crossing(line, r, c)) == 0;
    const auto key = std::make_tuple(e.is_total, crossing_empty, e.raw, index);
    if (!best || key < best_key) {
      best = std::make_pair(r, c);
      best_key = key;
    }
  }
  return best;
}

// Withholds partners until no line has exactly one withheld entry. Returns how many.
int ApplyLineRule(Grid& g) {
  int added = 0;
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t line = 0; line < g.line_count(); ++line) {
      if (g.SuppressedIn(line) != 1) continue;
      auto partner = PickPartner(g, line);
      if (!partner) continue;
      Entry& e = g.at(partner->first, partner->second);
      e.suppressed = true;
      e.reason = common::v1::SUPPRESSION_REASON_SECONDARY;
      ++added;
      changed = true;
    }
  }
  return added;
}

// The withheld entries whose value the published ones determine exactly: v is determined
// iff the unit vector e_v lies in the row space of the line equations restricted to the
// withheld entries, i.e. v is a pivot of the reduced row echelon form whose row has no
// free-variable entry.
std::vector<std::pair<size_t, size_t>> DeterminedEntries(const Grid& g) {
  std::vector<std::pair<size_t, size_t>> vars;
  std::vector<std::vector<int>> var_of(g.height(), std::vector<int>(g.width(), -1));
  for (size_t r = 0; r < g.height(); ++r) {
    for (size_t c = 0; c < g.width(); ++c) {
      if (g.at(r, c).suppressed) {
        var_of[r][c] = static_cast<int>(vars.size());
        vars.emplace_back(r, c);
      }
    }
  }
  const size_t n = vars.size();
  if (n == 0 || n > kMaxExactCheckVariables) return {};
  std::vector<std::vector<double>> m;
  for (size_t line = 0; line < g.line_count(); ++line) {
    std::vector<double> eq(n, 0.0);
    bool any = false;
    for (auto [r, c] : g.Line(line)) {
      if (var_of[r][c] < 0) continue;
      eq[var_of[r][c]] = g.at(r, c).is_total ? -1.0 : 1.0;
      any = true;
    }
    if (any) m.push_back(std::move(eq));
  }
  // Gauss-Jordan with partial pivoting; coefficients stay small integers in practice.
  std::vector<int> pivot_row_of(n, -1);
  size_t row = 0;
  for (size_t col = 0; col < n && row < m.size(); ++col) {
    size_t best = row;
    for (size_t i = row + 1; i < m.size(); ++i) {
      if (std::fabs(m[i][col]) > std::fabs(m[best][col])) best = i;
    }
    if (std::fabs(m[best][col]) < 1e-9) continue;
    std::swap(m[row], m[best]);
    const double p = m[row][col];
    for (double& x : m[row]) x /= p;
    for (size_t i = 0; i < m.size(); ++i) {
      if (i == row || std::fabs(m[i][col]) < 1e-12) continue;
      const double f = m[i][col];
      for (size_t k = 0; k < n; ++k) m[i][k] -= f * m[row][k];
    }
    pivot_row_of[col] = static_cast<int>(row);
    ++row;
  }
  std::vector<std::pair<size_t, size_t>> determined;
  for (size_t v = 0; v < n; ++v) {
    if (pivot_row_of[v] < 0) continue;
    const auto& eq = m[pivot_row_of[v]];
    bool alone = true;
    for (size_t k = 0; k < n && alone; ++k) {
      if (k != v && std::fabs(eq[k]) > 1e-9) alone = false;
    }
    if (alone) determined.push_back(vars[v]);
  }
  return determined;
}

int64_t RoundTo(double value, int base) {
  if (base <= 1) return static_cast<int64_t>(std::llround(value));
  return static_cast<int64_t>(std::floor(value / base + 0.5)) * base;
}

void Publish(const Entry& e, int rounding_base, Cell* cell) {
  cell->Clear();
  if (e.suppressed) {
    cell->set_suppressed(true);
    cell->set_reason(e.reason);
    return;
  }
  if (e.is_count) {
    cell->set_value(static_cast<double>(RoundTo(std::max(0.0, e.noisy), rounding_base)));
    cell->set_noised(e.noised);
  } else {
    cell->set_value(e.raw);
  }
}

}  // namespace

absl::StatusOr<DisclosureResult> ApplyDisclosureControl(const Table& table,
                                                        const DisclosurePolicy& policy_in,
                                                        const DisclosureOptions& options) {
  absl::StatusOr<Policy> policy = CheckPolicy(policy_in);
  if (!policy.ok()) return policy.status();
  if (absl::Status s = CheckTable(table, options); !s.ok()) return s;
  if (policy->noise && !(std::isfinite(options.sensitivity) && options.sensitivity > 0)) {
    return absl::InvalidArgumentError("sensitivity must be > 0");
  }
  const auto& is_count = options.is_count_column ? options.is_count_column : DefaultIsCount;

  const size_t rows = table.rows_size(), cols = table.columns_size();
  Grid g(rows, cols, table.has_totals());
  auto load = [&](Entry& e, const Cell& cell, bool count, bool total) {
    e.raw = cell.value();
    e.contributors = cell.contributors();
    e.is_count = count;
    e.is_total = total;
  };
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      load(g.at(r, c), table.rows(r).cells(c), is_count(table.columns(c)), false);
    }
    if (g.totals()) load(g.at(r, cols), table.rows(r).total(), true, true);
  }
  if (g.totals()) {
    for (size_t c = 0; c < cols; ++c) load(g.at(rows, c), table.column_totals(c), true, true);
    load(g.at(rows, cols), table.grand_total(), true, true);
  }

  DisclosureResult result;
  // 1. Primary suppression, on the true values.
  for (size_t r = 0; r < g.height(); ++r) {
    for (size_t c = 0; c < g.width(); ++c) {
      Entry& e = g.at(r, c);
      const bool few_people = e.contributors > 0 && e.contributors <= policy->threshold;
      const bool small = e.is_count ? e.raw <= policy->threshold : e.contributors == 0;
      if (few_people || small) {
        e.suppressed = true;
        e.reason = common::v1::SUPPRESSION_REASON_BELOW_THRESHOLD;
        ++result.cells_suppressed_primary;
      }
    }
  }
  // 2. Secondary suppression: a withheld entry must not follow from the totals.
  if (g.totals() && policy->secondary && result.cells_suppressed_primary > 0) {
    while (true) {
      result.cells_suppressed_secondary += ApplyLineRule(g);
      const auto determined = DeterminedEntries(g);
      if (determined.empty()) break;
      // Withhold one more entry in a line through the first determined one, then re-check.
      const auto [r, c] = determined.front();
      std::optional<std::pair<size_t, size_t>> partner = PickPartner(g, r);
      if (!partner) partner = PickPartner(g, g.height() + c);
      if (!partner) break;  // both lines fully withheld: nothing is determined after all
      Entry& e = g.at(partner->first, partner->second);
      e.suppressed = true;
      e.reason = common::v1::SUPPRESSION_REASON_SECONDARY;
      ++result.cells_suppressed_secondary;
    }
  }
  // 3. Noise on every count cell (withheld ones too, so totals can be their sums).
  std::unique_ptr<CryptoRandom> own_random;
  RandomSource* random = options.random;
  if (policy->noise && random == nullptr) {
    own_random = std::make_unique<CryptoRandom>();
    random = own_random.get();
  }
  const double scale = policy->noise ? options.sensitivity / policy->epsilon : 0;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      Entry& e = g.at(r, c);
      e.noisy = e.raw;
      if (policy->noise && e.is_count) {
        e.noisy += static_cast<double>(SampleDiscreteLaplace(scale, *random));
        e.noised = true;
      }
    }
  }
  if (g.totals()) {
    std::vector<double> row_sum(rows, 0.0), col_sum(cols, 0.0);
    double grand = 0;
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < cols; ++c) {
        row_sum[r] += g.at(r, c).noisy;
        col_sum[c] += g.at(r, c).noisy;
        grand += g.at(r, c).noisy;
      }
    }
    for (size_t r = 0; r < g.height(); ++r) {
      for (size_t c = 0; c < g.width(); ++c) {
        Entry& e = g.at(r, c);
        if (!e.is_total) continue;
        e.noisy = e.raw;
        if (!policy->noise) continue;
        e.noisy = r == rows ? (c == cols ? grand : col_sum[c]) : row_sum[r];
        e.noised = true;
      }
    }
  }
  // 4. Publish: rounded counts, withheld cells empty, contributors never.
  Table& out = result.table;
  out = table;
  for (size_t r = 0; r < rows; ++r) {
    auto* row = out.mutable_rows(r);
    for (size_t c = 0; c < cols; ++c)
      Publish(g.at(r, c), policy->rounding_base, row->mutable_cells(c));
    if (g.totals()) {
      Publish(g.at(r, cols), policy->rounding_base, row->mutable_total());
    } else {
      row->clear_total();
    }
  }
  if (g.totals()) {
    for (size_t c = 0; c < cols; ++c) {
      Publish(g.at(rows, c), policy->rounding_base, out.mutable_column_totals(c));
    }
    Publish(g.at(rows, cols), policy->rounding_base, out.mutable_grand_total());
  } else {
    out.clear_column_totals();
    out.clear_grand_total();
  }

  result.applied_policy.set_threshold(policy->threshold);
  result.applied_policy.set_rounding_base(policy->rounding_base);
  result.applied_policy.set_secondary_suppression(policy->secondary);
  if (policy->noise) result.applied_policy.set_epsilon(policy->epsilon);
  result.epsilon_spent = policy->noise ? policy->epsilon : 0;
  return result;
}

absl::StatusOr<DisclosureResult> ApplyDisclosureControlWithBudget(
    const Table& table, const DisclosurePolicy& policy, BudgetLedger& ledger,
    absl::string_view team, const DisclosureOptions& options) {
  absl::StatusOr<Policy> checked = CheckPolicy(policy);
  if (!checked.ok()) return checked.status();
  if (absl::Status s = CheckTable(table, options); !s.ok()) return s;
  if (checked->noise) {
    absl::StatusOr<BudgetBalance> spent = ledger.Spend(team, checked->epsilon);
    if (!spent.ok()) return spent.status();
  }
  return ApplyDisclosureControl(table, policy, options);
}

}  // namespace bridging::privacy
