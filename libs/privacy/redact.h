// Free-text redaction tuned to UK primary care: replaces names, phone numbers, emails, NHS
// numbers, postcodes, dates, street addresses and URLs with typed placeholders.
//
//   absl::StatusOr<Redaction> r = RedactText("Call Sarah on 07700 900123");
//   // r->text == "Call [NAME] on [PHONE]"; r->findings[1].detector == "libphonenumber:possible"
//
// Findings say where and what, never the original value. Patterns run on RE2 (linear time on
// any input), phone numbers on libphonenumber, names on a dictionary plus context.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bridging::privacy {

// The kinds of personal detail found. Values match bridging.anonymizer.v1.FindingType.
enum class IdentifierType {
  kName = 1,
  kPhone = 2,
  kEmail = 3,
  kNhsNumber = 4,
  kPostcode = 5,
  kDate = 6,
  kAddress = 7,
  kUrl = 8,
};
inline constexpr IdentifierType kAllIdentifierTypes[] = {
    IdentifierType::kName,      IdentifierType::kPhone,    IdentifierType::kEmail,
    IdentifierType::kNhsNumber, IdentifierType::kPostcode, IdentifierType::kDate,
    IdentifierType::kAddress,   IdentifierType::kUrl};

// "NAME", "PHONE", "EMAIL", "NHS_NUMBER", "POSTCODE", "DATE", "ADDRESS", "URL".
absl::string_view TypeName(IdentifierType type);
// "[NAME]" etc.
absl::string_view Placeholder(IdentifierType type);
// True for every type but kName: the identifiers with a fixed shape.
inline bool IsStructured(IdentifierType type) { return type != IdentifierType::kName; }

// One replaced span: byte offsets, half-open, in the original and in the redacted text.
struct Finding {
  IdentifierType type;
  size_t original_begin = 0;
  size_t original_end = 0;
  size_t redacted_begin = 0;
  size_t redacted_end = 0;
  // Which detector matched, e.g. "regex:email", "nhs_number:mod11", "names:dictionary".
  // Points at a string literal.
  absl::string_view detector;
};

struct Redaction {
  std::string text;
  // In order of position, never overlapping.
  std::vector<Finding> findings;
};

struct RedactOptions {
  // Kinds to redact; empty means every kind. Every detector still runs, so a span of another
  // kind is never mistaken for a requested one (an address is not a name).
  std::vector<IdentifierType> types;
  // Larger input is refused (INVALID_ARGUMENT naming `field`).
  size_t max_bytes = 64 * 1024;
  size_t max_chars = 20000;
  // Names the input in errors.
  std::string field = "text";
};

// INVALID_ARGUMENT if `text` is not valid UTF-8 or is over the limits. Thread-safe.
absl::StatusOr<Redaction> RedactText(absl::string_view text, const RedactOptions& options = {});

}  // namespace bridging::privacy
