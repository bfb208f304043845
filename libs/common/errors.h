// Constructors for the errors every service returns, so messages name the field or
// resource that was wrong in one consistent format.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace bridging {

// INVALID_ARGUMENT "<field>: <reason>", e.g. "participant.alias: looks like an email".
absl::Status InvalidField(absl::string_view field, absl::string_view reason);

// NOT_FOUND "<resource> not found".
absl::Status NotFound(absl::string_view resource);

// ABORTED for a stale etag on `resource`.
absl::Status StaleEtag(absl::string_view resource);

// FAILED_PRECONDITION "<resource>: <reason>".
absl::Status Precondition(absl::string_view resource, absl::string_view reason);

}  // namespace bridging
