// CSV as RFC 4180 has it: reading files for bulk import, writing rows for --csv output.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bridging::bridgectl {

using CsvRow = std::vector<std::string>;

// Parses a whole CSV document: quoted fields may hold commas, quotes ("") and newlines;
// CRLF and LF line ends; a UTF-8 byte order mark is skipped; blank lines are skipped.
// INVALID_ARGUMENT (with the line number) on an unterminated quote or text after a
// closing quote.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text);

// One CSV line (with "\n"), quoting fields that need it. A field starting with = + - @ is
// prefixed with ' so spreadsheets do not run it as a formula (CSV injection).
std::string CsvLine(const CsvRow& fields);

}  // namespace bridging::bridgectl
