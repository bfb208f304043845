// Implements the CSV reader and writer.
#include "scripts/bridgectl/csv.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace bridging::bridgectl {

absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text) {
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool in_quotes = false;
  bool after_quote = false;  // a quoted field just closed: only , or a line end may follow
  bool row_has_content = false;
  int line = 1;
  auto end_field = [&] {
    row.push_back(std::move(field));
    field.clear();
    after_quote = false;
  };
  auto end_row = [&] {
    end_field();
    if (row_has_content) rows.push_back(std::move(row));
    row.clear();
    row_has_content = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == ',') {
      row_has_content = true;
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
      ++line;
    } else if (after_quote) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line, ": text after a closing quote"));
    } else if (c == '"' && field.empty()) {
      in_quotes = true;
      row_has_content = true;
    } else {
      field.push_back(c);
      row_has_content = true;
    }
  }
  if (in_quotes) {
    return absl::InvalidArgumentError(absl::StrCat("line ", line, ": unterminated quoted field"));
  }
  end_row();
  return rows;
}

std::string CsvLine(const CsvRow& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    std::string value = fields[i];
    double number;
    if (!value.empty() && absl::string_view("=+-@").find(value[0]) != absl::string_view::npos &&
        !absl::SimpleAtod(value, &number)) {
      value.insert(0, "'");
    }
    if (value.find_first_of(",\"\r\n") == std::string::npos) {
      out += value;
      continue;
    }
    out.push_back('"');
    for (char c : value) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('\n');
  return out;
}

}  // namespace bridging::bridgectl
