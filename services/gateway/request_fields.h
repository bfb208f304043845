// Reads one string field of a serialised request straight from the wire format, so the
// gateway learns the resource a call touches without parsing (or copying) the whole message.
//
//   ASSIGN_OR_RETURN(std::vector<int> path, ResolveStringField(*descriptor, "contribution.name"));
//   ASSIGN_OR_RETURN(std::string name, ReadStringAtPath(request_bytes, path));
#pragma once

#include <google/protobuf/descriptor.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace bridging::gateway {

// The field numbers of a dotted path whose parts are singular message fields ending in a
// singular string field; INTERNAL naming the path otherwise (a broken policy).
absl::StatusOr<std::vector<int>> ResolveStringField(const google::protobuf::Descriptor& message,
                                                    absl::string_view dotted_path);

// The value the path has once the message is parsed: the last occurrence wins and repeated
// occurrences of a message field merge, as protobuf parsing does. "" when absent.
// INVALID_ARGUMENT when the bytes are not a well-formed message, a field on the path has the
// wrong wire type, or the message nests deeper than protobuf allows.
absl::StatusOr<std::string> ReadStringAtPath(absl::string_view bytes, absl::Span<const int> path);

}  // namespace bridging::gateway
