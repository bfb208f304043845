// Implements time and date conversions.
#include "libs/common/proto_time.h"

#include "libs/common/errors.h"

namespace bridging {

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t nanos = absl::ToUnixNanos(t);
  int64_t seconds = nanos / 1000000000;
  int64_t rem = nanos % 1000000000;
  if (rem < 0) rem += 1000000000, --seconds;
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(rem));
  return ts;
}

google::protobuf::Duration ToDuration(absl::Duration d) {
  google::protobuf::Duration out;
  const int64_t nanos = absl::ToInt64Nanoseconds(d);
  out.set_seconds(nanos / 1000000000);
  out.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return out;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

absl::StatusOr<absl::CivilDay> ToCivilDay(const common::v1::Date& date, absl::string_view field) {
  if (date.year() < 1900 || date.year() > 9999) {
    return InvalidField(field, "year must be between 1900 and 9999");
  }
  if (date.month() < 1 || date.month() > 12) return InvalidField(field, "month must be 1-12");
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (date.day() < 1 || day.day() != date.day() || day.month() != date.month()) {
    return InvalidField(field, "is not a real calendar day");
  }
  return day;
}

common::v1::Date ToDate(absl::CivilDay day) {
  common::v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

absl::CivilDay TodayUtc(absl::Time now) { return absl::ToCivilDay(now, absl::UTCTimeZone()); }

}  // namespace bridging
