// Implements the generalisations. Postcodes are checked against the Royal Mail format (RE2).
#include "libs/privacy/generalize.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"
#include "re2/re2.h"

namespace bridging::privacy {
namespace {

bool LeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && LeapYear(year) ? 29 : kDays[month - 1];
}

}  // namespace

absl::StatusOr<std::string> AgeBand(int age, absl::string_view field) {
  if (age < 0 || age > 130) return InvalidField(field, "must be 0-130");
  if (age <= 17) return std::string("0-17");
  if (age <= 24) return std::string("18-24");
  if (age >= 65) return std::string("65+");
  const int low = 25 + (age - 25) / 10 * 10;
  return absl::StrCat(low, "-", low + 9);
}

std::optional<std::string> PostcodeDistrict(absl::string_view postcode) {
  static const RE2* const kFull = new RE2(
      "((?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]|"
      "[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])) ?[0-9][ABD-HJLNP-UW-Z]{2}");
  const std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(postcode));
  if (upper.size() > 10) return std::nullopt;
  std::string outward;
  if (!RE2::FullMatch(upper, *kFull, &outward)) return std::nullopt;
  return outward;
}

absl::StatusOr<CalendarDate> MonthOf(const CalendarDate& date, absl::string_view field) {
  if (date.year < 1900 || date.year > 9999) return InvalidField(field, "year must be 1900-9999");
  if (date.month < 1 || date.month > 12) return InvalidField(field, "month must be 1-12");
  if (date.day < 0 || date.day > DaysInMonth(date.year, date.month)) {
    return InvalidField(field, absl::StrCat("day must be 0-", DaysInMonth(date.year, date.month)));
  }
  return CalendarDate{date.year, date.month, 0};
}

}  // namespace bridging::privacy
