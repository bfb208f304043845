// Generalisation of quasi-identifiers: ages to bands, full postcodes to their outward code
// (district), dates to months. Each takes the field name its errors should carry.
//
//   AgeBand(37, "record.age")           -> "35-44"
//   PostcodeDistrict("ls6 2ab")          -> "LS6"
//   MonthOf({2024, 3, 17}, "record.date") -> {2024, 3, 0}
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bridging::privacy {

// "0-17", "18-24", "25-34", "35-44", "45-54", "55-64" or "65+"; INVALID_ARGUMENT naming
// `field` outside 0-130.
absl::StatusOr<std::string> AgeBand(int age, absl::string_view field = "age");

// The outward code in upper case ("LS6", "SW1A") of a full UK postcode in any case, with or
// without the space; nullopt if `postcode` is not a full postcode.
std::optional<std::string> PostcodeDistrict(absl::string_view postcode);

struct CalendarDate {
  int year = 0;
  int month = 0;
  int day = 0;  // 0 for a month
};

// The month of `date` (day 0). INVALID_ARGUMENT naming `field` unless the year is 1900-9999,
// the month 1-12 and the day 0 (already a month) or a day that month has.
absl::StatusOr<CalendarDate> MonthOf(const CalendarDate& date, absl::string_view field = "date");

}  // namespace bridging::privacy
