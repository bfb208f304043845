// Parsing and checking of resource names ("charities/{charity}/participants/{participant}")
// and the one tenancy rule: the owner of a name is its first two segments.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bridging {

// The ids bound by a pattern's {variables}, in pattern order.
using NameParts = std::vector<std::string>;

// Matches `name` against `pattern` (literal collection segments and {variable} segments).
// Ids are 1-63 characters of [a-z0-9-], starting with a letter or digit. On mismatch
// returns INVALID_ARGUMENT naming `field` and the expected shape.
absl::StatusOr<NameParts> ParseName(absl::string_view name, absl::string_view pattern,
                                    absl::string_view field);

// True if `id` is a valid resource id segment.
bool IsValidId(absl::string_view id);

// "charities/c1" for "charities/c1/participants/p1"; empty if the name has no owner
// (its first collection is not practices, charities, researchers, operators or services).
std::string OwnerOf(absl::string_view name);

}  // namespace bridging
