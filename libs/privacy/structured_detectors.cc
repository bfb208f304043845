// The pattern detectors: emails, URLs, NHS numbers, postcodes, dates, street addresses and
// UK-shaped phone numbers. Every pattern is an RE2, so matching is linear in the input
// whatever it holds; checks RE2 cannot express (mod-11, postcode areas, context words) run
// on each match afterwards.
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/privacy/detectors.h"
#include "re2/re2.h"

namespace bridging::privacy::internal {
namespace {

// ---- Pattern pieces -----------------------------------------------------------------------

constexpr char kMonth[] =
    "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
constexpr char kDay[] = "(?:[12][0-9]|3[01]|0?[1-9])";
constexpr char kNumMonth[] = "(?:1[0-2]|0?[1-9])";
constexpr char kYear[] = "(?:19|20)[0-9]{2}";
constexpr char kWeekday[] = "(?:mon|tues|wednes|thurs|fri|satur|sun)day";
// Before a date a weekday may be abbreviated: "Mon 3rd April", "Thurs. 5 May".
constexpr char kWeekdayPrefix[] =
    "(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)"
    "\\.?";
// Outward codes (area, district, optional sub-district letter) as the Royal Mail defines them.
constexpr char kOutward[] =
    "(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]|"
    "[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])";
constexpr char kInward[] = "[0-9][ABD-HJLNP-UW-Z]{2}";
constexpr char kStreetSuffixes[] =
    "(?:Street|Road|Lane|Avenue|Close|Drive|Way|Court|Crescent|Place|Terrace|Gardens|Grove|"
    "Hill|Square|Row|Walk|Mews|Park|Parade|Rise|View|Green|Vale|Croft|Fold|Gate|Wharf|Yard|"
    "Mount|Villas|Heights|Boulevard|Approach|Chase|Wynd|Brow|Bank|Side|End|Meadows?|Fields|"
    "Grange|Common|Cottages|Circus|Garth|Dale)";
constexpr char kStreetAbbreviations[] =
    "(?:St|Rd|Ln|Ave|Av|Cl|Dr|Ct|Cres|Pl|Tce|Terr|Gdns|Gr|Sq|Pde)";
// Suffixes that name a street on their own (no house number needed): common enough as
// ordinary words that "Hill", "Park", "View" and the like are left to the numbered form.
constexpr char kStrongStreetSuffixes[] =
    "(?:Street|Road|Lane|Avenue|Close|Crescent|Terrace|Gardens|Grove|Mews|Drive|Square|"
    "Parade|Boulevard)";
constexpr char kStreetWord[] = "[A-Z][A-Za-z'’]*(?:-[A-Z][A-Za-z'’]*)?";

// The 121 UK postcode areas (plus the Crown dependencies').
const absl::flat_hash_set<std::string>& PostcodeAreas() {
  static const auto* const kAreas = new absl::flat_hash_set<std::string>{
      "AB", "AL", "B",  "BA", "BB", "BD", "BH", "BL", "BN", "BR", "BS", "BT", "CA", "CB",
      "CF", "CH", "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL",
      "DN", "DT", "DY", "E",  "EC", "EH", "EN", "EX", "FK", "FY", "G",  "GL", "GU", "GY",
      "HA", "HD", "HG", "HP", "HR", "HS", "HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA",
      "KT", "KW", "KY", "L",  "LA", "LD", "LE", "LL", "LN", "LS", "LU", "M",  "ME", "MK",
      "ML", "N",  "NE", "NG", "NN", "NP", "NR", "NW", "OL", "OX", "PA", "PE", "PH", "PL",
      "PO", "PR", "RG", "RH", "RM", "S",  "SA", "SE", "SG", "SK", "SL", "SM", "SN", "SO",
      "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR", "TS", "TW",
      "UB", "W",  "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE"};
  return *kAreas;
}

bool ValidArea(absl::string_view outward) {
  std::string area;
  for (char c : outward) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>(c))) break;
    area.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  return PostcodeAreas().contains(area);
}

struct Patterns {
  RE2 email, url, nhs, postcode, outward, date, address, phone;

  static RE2::Options Opts(bool case_insensitive) {
    RE2::Options o;
    o.set_never_capture(true);
    o.set_longest_match(true);
    o.set_case_sensitive(!case_insensitive);
    o.set_log_errors(false);
    o.set_max_mem(64 << 20);
    return o;
  }

  Patterns()
      : email(
            "[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
            "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\\.[A-Za-z]{2,24}",
            Opts(false)),
        url(absl::StrCat(
                "(?:https?://|www\\.)[^\\s<>\"'`{}|\\\\^\\[\\]]+|",
                "\\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\\.",
                "(?:co\\.uk|org\\.uk|nhs\\.uk|gov\\.uk|ac\\.uk|me\\.uk|net\\.uk|nhs\\.net|com|",
                "org|net|uk|io|info|me|ly|co|app|online|site|scot|wales)\\b",
                "(?:[/?#][^\\s<>\"'`{}|\\\\^\\[\\]]*)?"),
            Opts(true)),
        nhs("\\b[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}\\b", Opts(false)),
        postcode(absl::StrCat("\\b", kOutward, " ?", kInward, "\\b"), Opts(true)),
        outward(absl::StrCat("\\b", kOutward, "\\b"), Opts(false)),
        date(absl::StrCat(
                 // 12/03/2023, 12-3-23, 12.03.2023
                 "\\b", kDay, "/", kNumMonth, "/(?:", kYear, "|[0-9]{2})\\b|",  //
                 "\\b", kDay, "-", kNumMonth, "-(?:", kYear, "|[0-9]{2})\\b|",  //
                 "\\b", kDay, "\\.", kNumMonth, "\\.(?:", kYear, "|[0-9]{2})\\b|",
                 // 2023-03-12
                 "\\b", kYear, "-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])\\b|",
                 // (Tuesday) (the) 3rd (of) March(,) (2023)
                 "\\b(?:", kWeekdayPrefix, ",? +(?:the +)?)?", kDay, "(?:st|nd|rd|th)? +(?:of +)?",
                 kMonth, "\\b\\.?(?:,? +", kYear, "\\b)?|",
                 // (Tuesday) March 3rd(,) (2023)
                 "\\b(?:", kWeekdayPrefix, ",? +)?", kMonth, "\\.? +", kDay,
                 "(?:st|nd|rd|th)?\\b(?:,? +", kYear, "\\b)?|",
                 // March 2023
                 "\\b", kMonth, "\\.?,? +", kYear, "\\b|",
                 // Tuesday the 3rd
                 "\\b", kWeekday, " +(?:the +)?", kDay, "(?:st|nd|rd|th)\\b"),
             Opts(true)),
        address(absl::StrCat(
                    // (Flat 3,) 12a Hyde Park Road / 4 The Green / 105 Roundhay Rd.
                    "\\b(?:(?:Flat|Apartment|Apt|Unit|Room|Maisonette) +[0-9]{1,4}[A-Za-z]?,? +)?",
                    "[0-9]{1,4}[A-Za-z]?(?:-[0-9]{1,4})?,? +(?:", kStreetWord,
                    " +){1,3}(?:", kStreetSuffixes, "\\b|", kStreetAbbreviations, "\\b\\.?)|",
                    // Harehills Lane (no number)
                    "\\b(?:", kStreetWord, " +){1,3}", kStrongStreetSuffixes, "\\b"),
                Opts(false)),
        // UK numbers as people write them: 07700 900123, 0113 496 0123, (0113) 496 0123,
        // +44 (0)20 7946 0123, +447700900123, 0044 113 496 0123.
        phone("(?:\\+44 ?(?:\\(0\\) ?)?|0044 ?|\\(0|\\b0)[0-9]{1,4}\\)?(?:[ -]?[0-9]{3,7}){1,3}\\b",
              Opts(false)) {}
};

const Patterns& P() {
  static const Patterns* const kPatterns = new Patterns();
  return *kPatterns;
}

// Calls fn(begin, end) for every leftmost-longest, non-overlapping match of `re`.
template <typename Fn>
void ForEachMatch(const RE2& re, absl::string_view text, Fn&& fn) {
  const re2::StringPiece input(text.data(), text.size());
  size_t pos = 0;
  re2::StringPiece m;
  while (pos <= text.size() && re.Match(input, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
    const size_t begin = static_cast<size_t>(m.data() - text.data());
    const size_t end = begin + m.size();
    fn(begin, end);
    pos = end > begin ? end : begin + 1;
  }
}

std::string Digits(absl::string_view s) {
  std::string d;
  for (char c : s) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) d.push_back(c);
  }
  return d;
}

absl::string_view LowerWordBefore(absl::string_view text, size_t pos, std::string* buffer) {
  size_t end = pos;
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == ',' || text[end - 1] == ':')) --end;
  size_t begin = end;
  while (begin > 0 && absl::ascii_isalpha(static_cast<unsigned char>(text[begin - 1]))) --begin;
  *buffer = absl::AsciiStrToLower(text.substr(begin, end - begin));
  return *buffer;
}

absl::string_view LowerWordAfter(absl::string_view text, size_t pos, std::string* buffer) {
  size_t begin = pos;
  while (begin < text.size() && text[begin] == ' ') ++begin;
  size_t end = begin;
  while (end < text.size() && absl::ascii_isalpha(static_cast<unsigned char>(text[end]))) ++end;
  *buffer = absl::AsciiStrToLower(text.substr(begin, end - begin));
  return *buffer;
}

void FindEmails(absl::string_view text, std::vector<Candidate>* out) {
  if (text.find('@') == absl::string_view::npos) return;
  ForEachMatch(P().email, text, [&](size_t b, size_t e) {
    out->push_back({b, e, IdentifierType::kEmail, "regex:email"});
  });
}

void FindUrls(absl::string_view text, std::vector<Candidate>* out) {
  if (text.find('.') == absl::string_view::npos) return;
  ForEachMatch(P().url, text, [&](size_t b, size_t e) {
    // Sentence punctuation after a link belongs to the sentence.
    while (e > b &&
           absl::string_view(".,;:!?)]}'\"").find(text[e - 1]) != absl::string_view::npos) {
      --e;
    }
    if (e > b) out->push_back({b, e, IdentifierType::kUrl, "regex:url"});
  });
}

void FindNhsNumbers(absl::string_view text, std::vector<Candidate>* out) {
  ForEachMatch(P().nhs, text, [&](size_t b, size_t e) {
    if (ValidNhsNumber(Digits(text.substr(b, e - b)))) {
      out->push_back({b, e, IdentifierType::kNhsNumber, "nhs_number:mod11"});
    }
  });
}

void FindPostcodes(absl::string_view text, std::vector<Candidate>* out) {
  ForEachMatch(P().postcode, text, [&](size_t b, size_t e) {
    const absl::string_view match = text.substr(b, e - b);
    if (!ValidArea(match)) return;
    // Mixed case is not a postcode ("B1 2nd floor"); lower case is, unless it is an ordinal.
    bool upper = false, lower = false;
    for (char c : match) {
      upper |= absl::ascii_isupper(static_cast<unsigned char>(c));
      lower |= absl::ascii_islower(static_cast<unsigned char>(c));
    }
    if (upper && lower) return;
    const absl::string_view inward = match.substr(match.size() - 2);
    if (lower && (inward == "st" || inward == "nd" || inward == "rd" || inward == "th")) return;
    out->push_back({b, e, IdentifierType::kPostcode, "regex:postcode"});
  });
  // A district alone ("moved to LS8") only where the words around say it is a place: on its
  // own "B12" is as likely a vitamin and "M62" a motorway.
  static const auto* const kBefore = new absl::flat_hash_set<std::string>{
      "in",      "from",  "near", "around", "at",     "to",    "postcode", "area",   "district",
      "outside", "round", "into", "lives",  "living", "moved", "across",   "within", "covering"};
  static const auto* const kAfter =
      new absl::flat_hash_set<std::string>{"area", "postcode", "district", "way"};
  size_t last_end = std::string::npos;
  std::string before, after;
  ForEachMatch(P().outward, text, [&](size_t b, size_t e) {
    if (!ValidArea(text.substr(b, e - b))) return;
    const absl::string_view w = LowerWordBefore(text, b, &before);
    const bool listed = (w == "and" || w == "or" || w.empty()) && last_end != std::string::npos &&
                        b - last_end <= 6;
    if (kBefore->contains(w) || listed || kAfter->contains(LowerWordAfter(text, e, &after))) {
      out->push_back({b, e, IdentifierType::kPostcode, "regex:postcode_district"});
      last_end = e;
    }
  });
}

void FindDates(absl::string_view text, std::vector<Candidate>* out) {
  ForEachMatch(P().date, text, [&](size_t b, size_t e) {
    const absl::string_view match = text.substr(b, e - b);
    // "2 may help" and "8 mar the" are not dates: a lower-case "may"/"mar" needs a year.
    bool has_year = false;
    for (size_t i = 0; i + 4 <= match.size(); ++i) {
      if ((match.substr(i, 2) == "19" || match.substr(i, 2) == "20") &&
          absl::ascii_isdigit(static_cast<unsigned char>(match[i + 2])) &&
          absl::ascii_isdigit(static_cast<unsigned char>(match[i + 3]))) {
        has_year = true;
      }
    }
    if (!has_year && (absl::StrContains(match, "may") || absl::StrContains(match, "mar ") ||
                      absl::EndsWith(match, "mar"))) {
      return;
    }
    // "Sept." keeps its dot in the text: a full stop after a date may end the sentence.
    if (text[e - 1] == '.') --e;
    out->push_back({b, e, IdentifierType::kDate, "regex:date"});
  });
}

void FindAddresses(absl::string_view text, std::vector<Candidate>* out) {
  static const auto* const kLeading = new absl::flat_hash_set<std::string>{
      "the", "a",    "an", "my",  "our", "her", "his", "their", "this", "that", "on", "in",  "at",
      "to",  "from", "of", "and", "but", "she", "he",  "we",    "they", "i",    "it", "new", "old"};
  ForEachMatch(P().address, text, [&](size_t b, size_t e) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[b])) &&
        !absl::StartsWith(text.substr(b), "Flat") &&
        !absl::StartsWith(text.substr(b), "Apartment") &&
        !absl::StartsWith(text.substr(b), "Apt") && !absl::StartsWith(text.substr(b), "Unit") &&
        !absl::StartsWith(text.substr(b), "Room") &&
        !absl::StartsWith(text.substr(b), "Maisonette")) {
      // Unnumbered: drop leading words that are not part of a street name ("The Road").
      while (true) {
        const size_t space = text.find(' ', b);
        if (space == absl::string_view::npos || space >= e) return;
        if (!kLeading->contains(absl::AsciiStrToLower(text.substr(b, space - b)))) break;
        b = space + 1;
        while (b < e && text[b] == ' ') ++b;
      }
      if (text.substr(b, e - b).find(' ') == absl::string_view::npos) return;
    }
    if (text[e - 1] == '.') --e;  // "Rd." at the end of a sentence: the stop stays
    out->push_back({b, e, IdentifierType::kAddress, "regex:address"});
  });
}

bool PlausibleUkNumber(absl::string_view match) {
  std::string digits = Digits(match);
  if (absl::StartsWith(match, "+44") || absl::StartsWith(match, "0044")) {
    digits = digits.substr(absl::StartsWith(match, "+44") ? 2 : 4);
    if (absl::StrContains(match, "(0)")) digits = digits.substr(1);
    return digits.size() >= 9 && digits.size() <= 10 && digits[0] != '0';
  }
  return digits.size() >= 10 && digits.size() <= 11 && digits[0] == '0' && digits[1] != '0';
}

void FindUkPhoneShapes(absl::string_view text, std::vector<Candidate>* out) {
  ForEachMatch(P().phone, text, [&](size_t b, size_t e) {
    if (PlausibleUkNumber(text.substr(b, e - b))) {
      out->push_back({b, e, IdentifierType::kPhone, "regex:uk_phone"});
    }
  });
}

}  // namespace

bool ValidNhsNumber(absl::string_view d) {
  if (d.size() != 10) return false;
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (d[i] - '0') * (10 - i);
  int check = 11 - (sum % 11);
  if (check == 11) check = 0;
  return check != 10 && check == d[9] - '0';
}

void FindStructured(absl::string_view text, std::vector<Candidate>* out) {
  FindEmails(text, out);
  FindUrls(text, out);
  FindNhsNumbers(text, out);
  FindPostcodes(text, out);
  FindDates(text, out);
  FindAddresses(text, out);
  FindUkPhoneShapes(text, out);
}

}  // namespace bridging::privacy::internal
