// Internal to libs/privacy: the detectors RedactText combines. Each appends candidate spans
// (byte offsets into valid UTF-8 text); RedactText resolves overlaps.
#pragma once

#include <cstddef>
#include <vector>

#include "absl/strings/string_view.h"
#include "libs/privacy/redact.h"

namespace bridging::privacy::internal {

struct Candidate {
  size_t begin = 0;
  size_t end = 0;
  IdentifierType type = IdentifierType::kName;
  const char* detector = "";
};

// Emails, URLs, NHS numbers (mod-11), postcodes, dates, street addresses and UK-shaped phone
// numbers, with RE2.
void FindStructured(absl::string_view text, std::vector<Candidate>* out);

// Phone numbers with libphonenumber's matcher (region GB), run on the digit clusters only.
void FindPhones(absl::string_view text, std::vector<Candidate>* out);

// Person names from the dictionary and context. `taken` holds spans already claimed by other
// detectors, sorted and disjoint: names never overlap them and they break name sequences.
void FindNames(absl::string_view text, const std::vector<Candidate>& taken,
               std::vector<Candidate>* out);

// True for a 10-digit string (digits only) that passes the NHS number modulus-11 check.
bool ValidNhsNumber(absl::string_view ten_digits);

}  // namespace bridging::privacy::internal
