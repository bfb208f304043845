// Phone numbers through Google's libphonenumber (PhoneNumberMatcher, region GB). The
// matcher runs only on windows around digit clusters that RE2 finds, which keeps its
// (ICU regex) cost off prose; its headers stay in this file.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "libs/privacy/detectors.h"
#include "libs/privacy/utf8.h"
#include "phonenumbers/logger.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumbermatch.h"
#include "phonenumbers/phonenumbermatcher.h"
#include "phonenumbers/phonenumberutil.h"
#include "re2/re2.h"

namespace bridging::privacy::internal {
namespace {

using i18n::phonenumbers::PhoneNumberMatch;
using i18n::phonenumbers::PhoneNumberMatcher;
using i18n::phonenumbers::PhoneNumberUtil;

const PhoneNumberUtil& Util() {
  static const PhoneNumberUtil* const kUtil = [] {
    PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
    // The library logs parse failures to stderr, with the text: never let it.
    util->SetLogger(new i18n::phonenumbers::NullLogger());
    return util;
  }();
  return *kUtil;
}

const RE2& Cluster() {
  static const RE2* const kCluster = [] {
    RE2::Options o;
    o.set_never_capture(true);
    o.set_log_errors(false);
    // A run of at least 7 digits and separators, optionally opened by + or (.
    return new RE2("[+(]?[0-9][0-9 ().-]{5,24}[0-9]", o);
  }();
  return *kCluster;
}

// Moves `pos` back to the first byte of the UTF-8 character it is in.
size_t CharStart(absl::string_view text, size_t pos) {
  while (pos > 0 && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) --pos;
  return pos;
}

// Whether a match is written like a phone number rather than some other run of digits (an
// NHS or reference number): national format with a trunk 0 and 10-11 digits, or
// international format (+ or 00).
bool WrittenLikeANumber(absl::string_view raw, const i18n::phonenumbers::PhoneNumber& number) {
  int digits = 0;
  for (char c : raw) digits += absl::ascii_isdigit(static_cast<unsigned char>(c)) ? 1 : 0;
  size_t first = raw.find_first_not_of("( ");
  if (first == absl::string_view::npos) return false;
  if (raw[first] == '+' || raw.substr(first, 2) == "00") {
    return number.has_country_code() && digits >= 8 && digits <= 15;
  }
  return raw[first] == '0' && digits >= 10 && digits <= 11;
}

// Whether a digit cluster can hold a number we would accept: one written from a '+' or a
// trunk '0' at the start of a group, with enough digits after it. Most clusters in notes
// (NHS numbers, dates, amounts) fail this and never reach the matcher.
bool MayHoldANumber(absl::string_view cluster) {
  for (size_t i = 0; i < cluster.size(); ++i) {
    const char c = cluster[i];
    const bool group_start = i == 0 || cluster[i - 1] == ' ' || cluster[i - 1] == '(' ||
                             cluster[i - 1] == '-' || cluster[i - 1] == '.' ||
                             cluster[i - 1] == ')';
    if (!group_start || (c != '+' && c != '0')) continue;
    int digits = 0;
    for (size_t k = i; k < cluster.size(); ++k) {
      digits += absl::ascii_isdigit(static_cast<unsigned char>(cluster[k])) ? 1 : 0;
    }
    if (digits >= (c == '+' ? 8 : 10)) return true;
  }
  return false;
}

}  // namespace

void FindPhones(absl::string_view text, std::vector<Candidate>* out) {
  const PhoneNumberUtil& util = Util();
  const RE2& cluster = Cluster();
  const re2::StringPiece input(text.data(), text.size());
  size_t pos = 0;
  re2::StringPiece m;
  while (pos < text.size() && cluster.Match(input, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
    const size_t begin = static_cast<size_t>(m.data() - text.data());
    const size_t end = begin + m.size();
    pos = end;
    if (!MayHoldANumber(text.substr(begin, end - begin))) continue;
    // One character either side, so the matcher can see a number is not glued to a word.
    const size_t window_begin = begin > 0 ? CharStart(text, begin - 1) : 0;
    size_t window_end = end;
    if (window_end < text.size()) {
      int length = 1;
      DecodeAt(text, window_end, &length);
      window_end += length;
    }
    const std::string window(text.substr(window_begin, window_end - window_begin));
    PhoneNumberMatcher matcher(util, window, "GB", PhoneNumberMatcher::POSSIBLE,
                               /*max_tries=*/64);
    PhoneNumberMatch match;
    while (matcher.HasNext()) {
      if (!matcher.Next(&match)) break;
      if (match.start() < 0 || match.length() <= 0 ||
          static_cast<size_t>(match.start() + match.length()) > window.size()) {
        continue;
      }
      if (!WrittenLikeANumber(match.raw_string(), match.number())) continue;
      const bool valid = util.IsValidNumber(match.number());
      const size_t b = window_begin + static_cast<size_t>(match.start());
      out->push_back({b, b + static_cast<size_t>(match.length()), IdentifierType::kPhone,
                      valid ? "libphonenumber:valid" : "libphonenumber:possible"});
    }
  }
}

}  // namespace bridging::privacy::internal
