// Implements the shared error constructors.
#include "libs/common/errors.h"

#include "absl/strings/str_cat.h"

namespace bridging {

absl::Status InvalidField(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

absl::Status NotFound(absl::string_view resource) {
  return absl::NotFoundError(absl::StrCat(resource, " not found"));
}

absl::Status StaleEtag(absl::string_view resource) {
  return absl::AbortedError(
      absl::StrCat(resource, " was changed by someone else (stale etag); read it again and retry"));
}

absl::Status Precondition(absl::string_view resource, absl::string_view reason) {
  return absl::FailedPreconditionError(absl::StrCat(resource, ": ", reason));
}

}  // namespace bridging
