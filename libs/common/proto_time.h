// Conversions between absl time, google.protobuf.Timestamp and bridging.common.v1.Date.
#pragma once

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "bridging/common/v1/types.pb.h"

namespace bridging {

google::protobuf::Timestamp ToTimestamp(absl::Time t);
absl::Time FromTimestamp(const google::protobuf::Timestamp& ts);
google::protobuf::Duration ToDuration(absl::Duration d);

// INVALID_ARGUMENT naming `field` unless `date` is a real calendar day in 1900-9999.
absl::StatusOr<absl::CivilDay> ToCivilDay(const common::v1::Date& date, absl::string_view field);
common::v1::Date ToDate(absl::CivilDay day);

// Today in UTC.
absl::CivilDay TodayUtc(absl::Time now);

}  // namespace bridging
