// Analytics table labels: the enum that names a dimension's cells, and labels in the words
// people type ("safety" for PRINCIPLE_SAFETY).
#pragma once

#include <google/protobuf/descriptor.h>

#include <string>

#include "absl/strings/string_view.h"

namespace bridging::bridgectl {

// The enum whose full value names label `dimension`'s cells ("theme" -> Principle), or
// nullptr for dimensions labelled by text (practice, month, co-produced).
const google::protobuf::EnumDescriptor* LabelEnum(absl::string_view dimension);

// A label as people read it: an enum value name by its short name, anything else
// (months, practices, pseudonyms) as it is.
std::string LabelText(absl::string_view label);

}  // namespace bridging::bridgectl
