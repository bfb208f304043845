// Protobuf fields to and from the text people type and read: enum short names
// ("research-use"), dates, times, relative durations ("90d"), field masks and lists.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace bridging::bridgectl {

// "research-use" for PURPOSE_RESEARCH_USE: the value without its enum's prefix, in lower
// case with dashes.
std::string EnumShortName(const google::protobuf::EnumValueDescriptor& value);

// Accepts a short name in any case, with - or _, or the full value name. The error lists
// the accepted short names.
absl::StatusOr<const google::protobuf::EnumValueDescriptor*> ParseEnum(
    const google::protobuf::EnumDescriptor& type, absl::string_view text);

// Sets the field at `path` ("action.title"; sub-messages are created) from `text`. A
// repeated field gets one value per comma-separated item, appended. Timestamps accept
// RFC 3339, YYYY-MM-DD (midnight UTC), or a relative "90d", "12h", "30m" from `now`;
// bridging.common.v1.Date accepts YYYY-MM-DD, YYYY-MM, "today" or "+30d"/"-5d" from today;
// FieldMask a comma list.
// INVALID_ARGUMENT names `what` (the option as typed, e.g. "--due").
absl::Status SetField(google::protobuf::Message& message, absl::string_view path,
                      absl::string_view text, absl::string_view what, absl::Time now);

// The field descriptor at `path`, or nullptr.
const google::protobuf::FieldDescriptor* FindFieldPath(const google::protobuf::Descriptor& type,
                                                       absl::string_view path);

// One field's value as text for people: enums by short name, timestamps as
// "2026-11-21 09:30 UTC", dates as 2026-11-21 (or 2026-11), repeated values joined by ", ".
// Empty when the field is unset. `path` may go through sub-messages ("record.state").
std::string FieldText(const google::protobuf::Message& message, absl::string_view path);

}  // namespace bridging::bridgectl
