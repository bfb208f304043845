// Statistical disclosure control of an aggregate table (bridging.common.v1.Table): the one
// implementation behind the anonymizer's ApplyDisclosureControl and analytics' queries.
//
//  1. Primary suppression: a count of `threshold` or fewer (default 7, as the issue states:
//     "7 or fewer"), or a cell whose contributors are that few, is withheld.
//  2. Secondary suppression (tables with totals): more cells are withheld until no withheld
//     value can be worked out from the published ones and the row, column and grand totals
//     — first so that no row or column holds exactly one withheld entry, then by an exact
//     linear-algebra check for combinations of rows and columns.
//  3. Optional noise: discrete Laplace with scale sensitivity/ε on every count; totals are
//     the sums of the noised cells (post-processing, no extra ε).
//  4. Rounding of every published count to the nearest multiple of `rounding_base`
//     (default 5; halves round up).
//
// Suppression is decided on the true counts (so a small count is never published, even
// noised); the differential-privacy guarantee covers the published values.
//
//   ASSIGN_OR_RETURN(DisclosureResult r, ApplyDisclosureControl(table, policy, {}));
#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bridging/common/v1/table.pb.h"
#include "libs/privacy/budget_ledger.h"
#include "libs/privacy/noise.h"

namespace bridging::privacy {

inline constexpr int kDefaultThreshold = 7;
inline constexpr int kDefaultRoundingBase = 5;
inline constexpr int kMaxTableRows = 5000;
inline constexpr int kMaxTableColumns = 200;

struct DisclosureOptions {
  // Whether a column holds counts. Other columns (medians, means) are suppressed on their
  // contributors only and neither rounded nor noised; they cannot carry totals. The default
  // treats columns named "median_*" or "mean_*" as non-counts.
  std::function<bool(absl::string_view column)> is_count_column;
  // How much one person can change one count; the noise scale is sensitivity / ε.
  double sensitivity = 1.0;
  // Noise source; nullptr means a CSPRNG (CryptoRandom).
  RandomSource* random = nullptr;
};

struct DisclosureResult {
  common::v1::Table table;
  common::v1::DisclosurePolicy applied_policy;
  int cells_suppressed_primary = 0;
  int cells_suppressed_secondary = 0;
  double epsilon_spent = 0;
};

// INVALID_ARGUMENT naming the field ("table.rows[2].cells", "policy.threshold", ...) for a
// malformed table (wrong widths, missing totals, negative or non-finite values, more than
// kMaxTableRows x kMaxTableColumns) or policy (threshold < 2, rounding_base < 1, epsilon
// set but not finite and > 0).
absl::StatusOr<DisclosureResult> ApplyDisclosureControl(const common::v1::Table& table,
                                                        const common::v1::DisclosurePolicy& policy,
                                                        const DisclosureOptions& options = {});

// The same, spending the policy's ε from `team`'s budget first when noise is asked for:
// RESOURCE_EXHAUSTED (and nothing computed) if the budget cannot cover it. The spend is
// never refunded, even if the table then turns out malformed — so the table and policy are
// validated before spending.
absl::StatusOr<DisclosureResult> ApplyDisclosureControlWithBudget(
    const common::v1::Table& table, const common::v1::DisclosurePolicy& policy,
    BudgetLedger& ledger, absl::string_view team, const DisclosureOptions& options = {});

}  // namespace bridging::privacy
