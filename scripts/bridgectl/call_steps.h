// Steps commands share: expanding shortened resource names, defaulting to the caller's own
// organisation, reading the current etag before a change, and raw JSON calls.
#pragma once

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "scripts/bridgectl/command.h"

namespace bridging::bridgectl {

// The full resource name for `text` given as an argument of `kind`: the caller's
// organisation for an empty kOwnOrg, "<caller>/plans/<id>" for a bare plan id, and the
// participant whose charity reference is `text` (looked up in the caller's charity).
absl::StatusOr<std::string> ExpandName(Invocation& call, NameKind kind, const std::string& text);

// Every participant of `charity`: her charity reference -> her resource name.
absl::StatusOr<std::map<std::string, std::string>> ParticipantsByReference(
    Invocation& call, const std::string& charity);

// Sets the request's `parent` to the caller's organisation when no option gave it.
absl::Status DefaultParentToCaller(Invocation& call);

// Reads the resource named by request field `name_field` with `get_method` and copies
// its etag into request field `etag_field`: a change then fails with ABORTED if someone
// else changed it in between, rather than overwriting their work.
absl::Status FillEtagFromGet(Invocation& call, const std::string& get_method,
                             const std::string& name_field, const std::string& etag_field);

// `bridgectl call METHOD [JSON]`: the request as JSON (argument or stdin), the answer as JSON.
absl::Status RunRawCall(Invocation& call);

}  // namespace bridging::bridgectl
