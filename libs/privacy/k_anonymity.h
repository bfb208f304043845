// k-anonymity check: groups rows by their quasi-identifier values and reports the groups
// (equivalence classes) with fewer than k rows.
//
//   VectorTable data{{"age_band", "district"}, {{"25-34", "LS6"}, {"25-34", "LS6"}}};
//   ASSIGN_OR_RETURN(KAnonymityReport r, CheckKAnonymity(data, {"age_band"}, 3));
//   // r.k_anonymous == false; r.classes_under_k[0] == {{"25-34"}, 2}
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bridging::privacy {

// Read access to a data set of string values, so callers need not copy theirs.
class TableView {
 public:
  virtual ~TableView() = default;
  virtual const std::vector<std::string>& columns() const = 0;
  virtual size_t row_count() const = 0;
  // Values in row `row` (may differ from the column count: that is an error to report).
  virtual size_t row_width(size_t row) const = 0;
  virtual absl::string_view value(size_t row, size_t column) const = 0;
};

// A TableView over plain vectors.
struct VectorTable final : TableView {
  std::vector<std::string> column_names;
  std::vector<std::vector<std::string>> rows;

  VectorTable(std::vector<std::string> c, std::vector<std::vector<std::string>> r)
      : column_names(std::move(c)), rows(std::move(r)) {}
  const std::vector<std::string>& columns() const override { return column_names; }
  size_t row_count() const override { return rows.size(); }
  size_t row_width(size_t row) const override { return rows[row].size(); }
  absl::string_view value(size_t row, size_t column) const override { return rows[row][column]; }
};

struct EquivalenceClass {
  std::vector<std::string> values;  // in the order of the quasi-identifiers
  int64_t size = 0;
};

struct KAnonymityReport {
  bool k_anonymous = true;
  int64_t class_count = 0;
  int64_t min_class_size = 0;                     // 0 when there are no rows
  std::vector<EquivalenceClass> classes_under_k;  // smallest first, then by values
  int64_t rows_in_classes_under_k = 0;
};

inline constexpr size_t kMaxKAnonymityRows = 100000;

// INVALID_ARGUMENT naming the field ("columns", "rows[3].values", "quasi_identifiers[1]",
// "k") when column names are empty or repeat, a row's width differs, there are more than
// kMaxKAnonymityRows rows, the quasi-identifiers are empty, repeat or are not columns, or
// k < 2.
absl::StatusOr<KAnonymityReport> CheckKAnonymity(const TableView& data,
                                                 const std::vector<std::string>& quasi_identifiers,
                                                 int k);

}  // namespace bridging::privacy
