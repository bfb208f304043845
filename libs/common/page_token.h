// Opaque, scope-bound page tokens: a list hands out a token that only the same list
// (same parent and filters) accepts back.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bridging {

// Encodes `cursor` for the list identified by `scope` (e.g. parent + filters).
std::string EncodePageToken(absl::string_view scope, absl::string_view cursor);

// Returns the cursor; INVALID_ARGUMENT "page_token: ..." if the token is malformed or was
// issued for another scope. An empty token decodes to an empty cursor (first page).
absl::StatusOr<std::string> DecodePageToken(absl::string_view scope, absl::string_view token);

// Clamps a requested page size: 0 -> default_size, above max_size -> max_size;
// negative -> INVALID_ARGUMENT.
absl::StatusOr<int> ResolvePageSize(int requested, int default_size = 50, int max_size = 1000);

}  // namespace bridging
