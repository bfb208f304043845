// Implements RedactText: validates the input, runs every detector, keeps the longest of
// overlapping spans (ties go to the more specific detector), then finds names in what is
// left and writes the placeholders.
#include "libs/privacy/redact.h"

#include <algorithm>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "libs/common/errors.h"
#include "libs/common/text.h"
#include "libs/privacy/detectors.h"
#include "libs/privacy/utf8.h"

namespace bridging::privacy {
namespace {

using internal::Candidate;

// Lower wins a tie between spans of equal length.
int Rank(const Candidate& c) {
  switch (c.type) {
    case IdentifierType::kEmail:
      return 0;
    case IdentifierType::kUrl:
      return 1;
    case IdentifierType::kNhsNumber:
      return 2;
    case IdentifierType::kPhone:
      return c.detector[0] == 'l' ? 3 : 4;  // libphonenumber first
    case IdentifierType::kPostcode:
      return 5;
    case IdentifierType::kDate:
      return 6;
    case IdentifierType::kAddress:
      return 7;
    case IdentifierType::kName:
      return 8;
  }
  return 9;
}

// Keeps a set of disjoint spans, longest first; returns them sorted by position.
std::vector<Candidate> Resolve(std::vector<Candidate> candidates) {
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    const size_t la = a.end - a.begin, lb = b.end - b.begin;
    if (la != lb) return la > lb;
    if (Rank(a) != Rank(b)) return Rank(a) < Rank(b);
    return a.begin < b.begin;
  });
  std::vector<Candidate> kept;  // sorted by begin
  for (const Candidate& c : candidates) {
    if (c.end <= c.begin) continue;
    auto it = std::lower_bound(kept.begin(), kept.end(), c.begin,
                               [](const Candidate& k, size_t pos) { return k.end <= pos; });
    if (it != kept.end() && it->begin < c.end) continue;  // overlaps a kept span
    kept.insert(it, c);
  }
  return kept;
}

}  // namespace

absl::string_view TypeName(IdentifierType type) {
  switch (type) {
    case IdentifierType::kName:
      return "NAME";
    case IdentifierType::kPhone:
      return "PHONE";
    case IdentifierType::kEmail:
      return "EMAIL";
    case IdentifierType::kNhsNumber:
      return "NHS_NUMBER";
    case IdentifierType::kPostcode:
      return "POSTCODE";
    case IdentifierType::kDate:
      return "DATE";
    case IdentifierType::kAddress:
      return "ADDRESS";
    case IdentifierType::kUrl:
      return "URL";
  }
  return "UNKNOWN";
}

absl::string_view Placeholder(IdentifierType type) {
  switch (type) {
    case IdentifierType::kName:
      return "[NAME]";
    case IdentifierType::kPhone:
      return "[PHONE]";
    case IdentifierType::kEmail:
      return "[EMAIL]";
    case IdentifierType::kNhsNumber:
      return "[NHS_NUMBER]";
    case IdentifierType::kPostcode:
      return "[POSTCODE]";
    case IdentifierType::kDate:
      return "[DATE]";
    case IdentifierType::kAddress:
      return "[ADDRESS]";
    case IdentifierType::kUrl:
      return "[URL]";
  }
  return "[REDACTED]";
}

absl::StatusOr<Redaction> RedactText(absl::string_view text, const RedactOptions& options) {
  if (text.size() > options.max_bytes) {
    return InvalidField(options.field, absl::StrCat("is ", text.size(), " bytes; at most ",
                                                    options.max_bytes, " are accepted"));
  }
  const int64_t chars = Utf8CodePoints(text);
  if (chars < 0) return InvalidField(options.field, "is not valid UTF-8");
  if (static_cast<size_t>(chars) > options.max_chars) {
    return InvalidField(options.field, absl::StrCat("is ", chars, " characters; at most ",
                                                    options.max_chars, " are accepted"));
  }

  std::vector<Candidate> candidates;
  internal::FindStructured(text, &candidates);
  internal::FindPhones(text, &candidates);
  std::vector<Candidate> spans = Resolve(std::move(candidates));
  std::vector<Candidate> names;
  internal::FindNames(text, spans, &names);
  if (!names.empty()) {
    std::vector<Candidate> merged;
    merged.reserve(spans.size() + names.size());
    std::merge(spans.begin(), spans.end(), names.begin(), names.end(), std::back_inserter(merged),
               [](const Candidate& a, const Candidate& b) { return a.begin < b.begin; });
    spans = std::move(merged);
  }

  bool wanted[9] = {};
  for (IdentifierType t : options.types) wanted[static_cast<int>(t)] = true;
  const bool all = options.types.empty();

  Redaction out;
  out.text.reserve(text.size());
  size_t copied = 0;
  for (const Candidate& c : spans) {
    if (!all && !wanted[static_cast<int>(c.type)]) continue;
    out.text.append(text.data() + copied, c.begin - copied);
    Finding f;
    f.type = c.type;
    f.original_begin = c.begin;
    f.original_end = c.end;
    f.redacted_begin = out.text.size();
    const absl::string_view placeholder = Placeholder(c.type);
    out.text.append(placeholder.data(), placeholder.size());
    f.redacted_end = out.text.size();
    f.detector = c.detector;
    out.findings.push_back(f);
    copied = c.end;
  }
  out.text.append(text.data() + copied, text.size() - copied);
  return out;
}

}  // namespace bridging::privacy
