// Checks on free text and short labels that arrive in requests: UTF-8, size, control
// characters, and screens for identifiers that must never be stored where they are checked.
#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace bridging {

struct TextLimits {
  size_t max_chars = 200;  // counted in code points
  bool required = false;
  bool allow_newlines = false;
};

// The number of code points in `s`, or -1 if it is not valid UTF-8 (overlong forms,
// surrogates and values past U+10FFFF are invalid).
long Utf8CodePoints(absl::string_view s);

// INVALID_ARGUMENT naming `field` if `value` is not valid UTF-8, too long, empty when
// required, or holds control characters.
absl::Status CheckText(absl::string_view field, absl::string_view value, TextLimits limits);

// True if `value` holds a run of 10 digits (spaces or dashes allowed between them) that
// passes the NHS number modulus-11 check.
bool ContainsNhsNumber(absl::string_view value);

// True if `value` holds something shaped like an email address (x@y.z).
bool ContainsEmail(absl::string_view value);

// True if `value` holds a UK-style phone number (10-11 digits starting 0, or +44).
bool ContainsPhoneNumber(absl::string_view value);

// INVALID_ARGUMENT naming `field` if `value` holds an NHS number, email or phone number.
absl::Status RejectPersonalIdentifiers(absl::string_view field, absl::string_view value);

}  // namespace bridging
