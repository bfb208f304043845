// Implements text checks and the screens for NHS numbers, emails and phone numbers.
#include "libs/common/text.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"

namespace bridging {

long Utf8CodePoints(absl::string_view s) {
  long count = 0;
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    int len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      len = 1, cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return -1;
    }
    if (i + len > s.size()) return -1;
    for (int k = 1; k < len; ++k) {
      const unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Reject overlong forms, surrogates and values past U+10FFFF.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return -1;
    }
    i += len;
    ++count;
  }
  return count;
}

namespace {

// Runs of digits where single spaces or dashes may separate digits ("943 476 5919").
std::vector<std::string> DigitRuns(absl::string_view s) {
  std::vector<std::string> runs;
  std::string current;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      current.push_back(c);
    } else if ((c == ' ' || c == '-') && !current.empty() && i + 1 < s.size() &&
               absl::ascii_isdigit(static_cast<unsigned char>(s[i + 1]))) {
      continue;
    } else if (!current.empty()) {
      runs.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) runs.push_back(std::move(current));
  return runs;
}

bool ValidNhsChecksum(absl::string_view ten_digits) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (ten_digits[i] - '0') * (10 - i);
  int check = 11 - (sum % 11);
  if (check == 11) check = 0;
  if (check == 10) return false;
  return check == ten_digits[9] - '0';
}

}  // namespace

absl::Status CheckText(absl::string_view field, absl::string_view value, TextLimits limits) {
  if (value.empty()) {
    return limits.required ? InvalidField(field, "is required") : absl::OkStatus();
  }
  // Bytes bound code points from above by 4x; refuse absurd sizes before scanning.
  if (value.size() > limits.max_chars * 4) {
    return InvalidField(field, absl::StrCat("is longer than ", limits.max_chars, " characters"));
  }
  const long chars = Utf8CodePoints(value);
  if (chars < 0) return InvalidField(field, "is not valid UTF-8");
  if (static_cast<size_t>(chars) > limits.max_chars) {
    return InvalidField(field, absl::StrCat("is longer than ", limits.max_chars, " characters"));
  }
  for (unsigned char c : value) {
    if (c == '\n' || c == '\r' || c == '\t') {
      if (!limits.allow_newlines && c != '\t') return InvalidField(field, "must be one line");
    } else if (c < 0x20 || c == 0x7F) {
      return InvalidField(field, "holds control characters");
    }
  }
  return absl::OkStatus();
}

bool ContainsNhsNumber(absl::string_view value) {
  for (const std::string& run : DigitRuns(value)) {
    if (run.size() == 10 && ValidNhsChecksum(run)) return true;
  }
  return false;
}

bool ContainsEmail(absl::string_view value) {
  for (size_t at = value.find('@'); at != absl::string_view::npos; at = value.find('@', at + 1)) {
    const bool local = at > 0 && !absl::ascii_isspace(static_cast<unsigned char>(value[at - 1]));
    const absl::string_view domain = value.substr(at + 1);
    const size_t end = domain.find_first_of(" \t\n,;<>()");
    const absl::string_view host = domain.substr(0, end);
    const size_t dot = host.find('.');
    if (local && dot != absl::string_view::npos && dot > 0 && dot + 1 < host.size()) return true;
  }
  return false;
}

bool ContainsPhoneNumber(absl::string_view value) {
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '+' && value.substr(i + 1, 2) == "44") {
      const std::vector<std::string> runs = DigitRuns(value.substr(i + 1));
      if (!runs.empty() && runs[0].size() >= 11 && runs[0].size() <= 12) return true;
    }
  }
  for (const std::string& run : DigitRuns(value)) {
    if (run[0] == '0' && (run.size() == 10 || run.size() == 11)) return true;
  }
  return false;
}

absl::Status RejectPersonalIdentifiers(absl::string_view field, absl::string_view value) {
  if (ContainsNhsNumber(value)) {
    return InvalidField(field,
                        "looks like it holds an NHS number; personal identifiers are "
                        "never stored here");
  }
  if (ContainsEmail(value)) {
    return InvalidField(field,
                        "looks like it holds an email address; personal identifiers "
                        "are never stored here");
  }
  if (ContainsPhoneNumber(value)) {
    return InvalidField(field,
                        "looks like it holds a phone number; personal identifiers are "
                        "never stored here");
  }
  return absl::OkStatus();
}

}  // namespace bridging
