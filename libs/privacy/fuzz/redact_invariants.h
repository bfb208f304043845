// What must hold for any input to RedactText, shared by the libFuzzer target and the
// randomized robustness test: valid input gives findings that are in order, disjoint, inside
// both texts and consistent with the placeholders, so that putting the original spans back
// rebuilds the input exactly; invalid input gives INVALID_ARGUMENT, never a crash.
#pragma once

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "libs/privacy/redact.h"

namespace bridging::privacy {

// Empty if every invariant holds for `input`, else what broke.
inline std::string CheckRedactInvariants(absl::string_view input) {
  absl::StatusOr<Redaction> r = RedactText(input);
  if (!r.ok()) {
    return r.status().code() == absl::StatusCode::kInvalidArgument
               ? ""
               : absl::StrCat("unexpected status ", r.status().ToString());
  }
  std::string rebuilt;
  size_t original = 0, redacted = 0;
  for (const Finding& f : r->findings) {
    if (f.original_begin < original || f.original_end <= f.original_begin ||
        f.original_end > input.size()) {
      return absl::StrCat("original span [", f.original_begin, ", ", f.original_end,
                          ") out of order or bounds");
    }
    if (f.redacted_begin < redacted || f.redacted_end > r->text.size()) {
      return "redacted span out of order or bounds";
    }
    const absl::string_view between = input.substr(original, f.original_begin - original);
    if (absl::string_view(r->text).substr(redacted, f.redacted_begin - redacted) != between) {
      return "text between findings changed";
    }
    if (absl::string_view(r->text).substr(f.redacted_begin, f.redacted_end - f.redacted_begin) !=
        Placeholder(f.type)) {
      return "placeholder does not match the finding's type";
    }
    if (f.detector.empty()) return "finding without a detector";
    absl::StrAppend(&rebuilt, between,
                    input.substr(f.original_begin, f.original_end - f.original_begin));
    original = f.original_end;
    redacted = f.redacted_end;
  }
  if (absl::string_view(r->text).substr(redacted) != input.substr(original)) {
    return "text after the last finding changed";
  }
  absl::StrAppend(&rebuilt, input.substr(original));
  if (rebuilt != input) return "original spans do not rebuild the input";
  return "";
}

}  // namespace bridging::privacy
