// What each analytics dataset can be grouped and filtered by, and how dimension values are
// coded inside the cube (small integers) and labelled in answers (enum value names, "YYYY-MM",
// pseudonyms, "true"/"false").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bridging/analytics/v1/analytics.pb.h"
#include "bridging/common/v1/types.pb.h"

namespace bridging::analytics {

inline constexpr int kMaxDimensions = 8;

struct DatasetSchema {
  v1::Dataset dataset;
  // The cube's dimensions, in cube position order.
  std::vector<v1::Dimension> dimensions;
  // The position of the one dimension a unit may have several values of (THEME), or -1.
  int multi_valued = -1;
  // Whether a unit belongs to a person (contributions, consent), so cells carry the number of
  // distinct people behind them.
  bool has_people = false;
  // CONSENT: the count measure is the number of distinct participants, not of rows.
  bool count_people = false;
  // ACTIONS: units carry days from creation to completion (MEDIAN_DAYS_TO_DONE).
  bool has_days = false;

  // The position of `dimension`, or -1 when the dataset does not have it.
  int PositionOf(v1::Dimension dimension) const;
};

// INVALID_ARGUMENT naming "dataset" for UNSPECIFIED or an unknown value.
absl::StatusOr<const DatasetSchema*> SchemaOf(v1::Dataset dataset);

// The column header of a dimension, e.g. "theme", "source_type".
std::string DimensionColumn(v1::Dimension dimension);

// Month index (year * 12 + month - 1) of a Date whose day is ignored; INVALID_ARGUMENT naming
// `field` unless year is 1900-9999 and month 1-12.
absl::StatusOr<int32_t> MonthIndex(const common::v1::Date& date, absl::string_view field);
std::string MonthLabel(int32_t month_index);      // "YYYY-MM"
common::v1::Date MonthDate(int32_t month_index);  // day 0

// Codes for dimensions with a fixed vocabulary: enum numbers, month indexes, 0/1 for
// CO_PRODUCED. PRACTICE has none (its codes come from the view's dictionary).
// INVALID_ARGUMENT naming `field` for a label that is not a value of the dimension.
absl::StatusOr<uint32_t> FixedCode(v1::Dimension dimension, absl::string_view label,
                                   absl::string_view field);
std::string FixedLabel(v1::Dimension dimension, uint32_t code);

}  // namespace bridging::analytics
