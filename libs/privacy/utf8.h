// UTF-8 helpers for redaction: decoding one code point and the rough letter / upper-case
// classes the name detector needs (no ICU). Validation is libs/common's Utf8CodePoints.
#pragma once

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace bridging::privacy {

// Decodes the code point starting at `text[pos]` of valid UTF-8; sets *length to its bytes.
uint32_t DecodeAt(absl::string_view text, size_t pos, int* length);

// True for letters of Latin, Greek, Cyrillic and the other alphabetic scripts, false for
// digits, spaces and punctuation (including typographic quotes and dashes).
bool IsLetter(uint32_t code_point);

// True for upper-case Latin letters (ASCII, Latin-1 and Latin Extended-A) and, roughly,
// upper-case Greek and Cyrillic.
bool IsUpper(uint32_t code_point);

}  // namespace bridging::privacy
