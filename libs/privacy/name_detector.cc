// Person names: a dictionary of ~48,000 real first names and surnames (data/names.tsv) plus
// context. A listed name that is not an ordinary word ("Precious", "Okafor") is a name when
// capitalised. A name that is also a word ("Grace", "Will", "Brown") needs a sign: a title
// ("Mrs"), an introduction ("my name is", "called"), a role ("my friend"), a name beside it,
// a possessive, or a capital letter in the middle of a sentence. A capitalised word that is
// in no list is a name after a title, an introduction or a role, or mid-sentence where
// nothing says it is a place or part of a longer proper noun.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "libs/privacy/detectors.h"
#include "libs/privacy/name_dictionary_data.h"
#include "libs/privacy/utf8.h"

namespace bridging::privacy::internal {
namespace {

enum NameFlag : uint8_t {
  kFirst = 1,     // listed as a first name
  kLast = 2,      // listed as a surname
  kEither = 4,    // listed as a name of unknown part
  kCommon = 8,    // also an ordinary English word
  kNotName = 16,  // a capitalised word that is not a person (place, language, brand)
};

class NameDictionary {
 public:
  static const NameDictionary& Get() {
    static const NameDictionary* const kDictionary = new NameDictionary();
    return *kDictionary;
  }

  // Flags of `lower` (ASCII-lower-cased, curly apostrophes straightened), 0 if unknown.
  uint8_t Lookup(absl::string_view lower) const {
    auto it = names_.find(lower);
    return it == names_.end() ? 0 : it->second;
  }

 private:
  NameDictionary() {
    names_.reserve(50000);
    for (absl::string_view line :
         absl::StrSplit(absl::string_view(kNamesTsv, kNamesTsvSize), '\n', absl::SkipEmpty())) {
      if (line[0] == '#') continue;
      const size_t tab = line.find('\t');
      if (tab == absl::string_view::npos) continue;
      uint8_t flags = 0;
      for (char c : line.substr(tab + 1)) {
        flags |= c == 'f'   ? kFirst
                 : c == 'l' ? kLast
                 : c == 'n' ? kEither
                 : c == 'c' ? kCommon
                 : c == 'x' ? kNotName
                            : 0;
      }
      std::string key = absl::AsciiStrToLower(line.substr(0, tab));
      names_[key] |= flags;
    }
  }

  absl::flat_hash_map<std::string, uint8_t> names_;
};

using WordSet = absl::flat_hash_set<absl::string_view>;

const WordSet& Titles() {
  // Not "Nurse", "Sister" or "Doctor": in notes those are mostly roles ("Nurse Practitioner").
  static const auto* const k =
      new WordSet{"mr",        "mrs",  "ms",      "miss",       "mx",     "dr",    "prof",
                  "professor", "rev",  "cllr",    "councillor", "auntie", "aunty", "aunt",
                  "uncle",     "nana", "grandma", "grandad",    "sir",    "dame"};
  return *k;
}

// Words after which a capitalised word is introduced as someone's name.
const WordSet& Introducers() {
  static const auto* const k =
      new WordSet{"called", "named", "nicknamed", "christened", "surname", "forename"};
  return *k;
}

// Greetings and sign-offs: a dictionary name that is also a word ("Hi Grace") counts here.
const WordSet& Greetings() {
  static const auto* const k =
      new WordSet{"hi", "hello", "dear", "thanks", "cheers", "bye", "hey", "love", "morning"};
  return *k;
}

// Words that never start or extend a name, whatever the dictionary says.
const WordSet& Stopwords() {
  static const auto* const k = new WordSet{
      "the", "a", "an", "and", "or", "but", "if", "so", "as", "at", "by", "for", "from", "in",
      "into", "of", "on", "onto", "to", "with", "about", "after", "before", "since", "until",
      "while", "when", "where", "why", "how", "what", "who", "which", "that", "this", "these",
      "those", "there", "here", "then", "than", "i", "me", "my", "you", "your", "we", "us", "our",
      "they", "them", "their", "she", "her", "he", "him", "his", "it", "its", "all", "any", "some",
      "no", "not", "every", "each", "both", "yes", "yeah", "ok", "okay", "hi", "hello", "dear",
      "thanks", "thank", "please", "sorry", "said", "told", "asked", "just", "also", "only", "even",
      "still", "very", "really", "well", "now", "today", "tomorrow", "yesterday", "mum", "dad",
      "nan", "gran", "mom", "doctor", "nurse", "gp", "reception", "receptionist", "surgery",
      "practice", "staff", "worker", "support", "group", "session", "meeting", "participant",
      "interviewer", "facilitator", "note", "notes", "interview", "nhs", "mr", "mrs", "ms", "miss",
      "mx", "dr", "im", "i'm", "ive", "i've", "id", "i'd", "ill", "i'll", "dont", "don't", "she's",
      "he's", "it's", "we", "we're", "they're", "you're", "can't", "cant", "won't", "didn't",
      "wasn't", "isn't", "couldn't", "wouldn't", "everyone", "everybody", "someone", "somebody",
      "nobody", "anyone", "anybody", "people", "nothing", "something", "everything", "women", "men",
      "children", "kids", "girls", "boys", "ladies", "doctors", "nurses", "management", "family",
      "friends", "parking", "lunch", "later", "sometimes", "maybe",
      // Imperatives that start notes ("Call Siobhan", "Ask Grace"): never part of a name.
      "call", "ask", "tell", "text", "ring", "email", "phone", "meet", "see", "help", "let", "get",
      "give", "send", "invite", "remind", "contact", "visit", "message", "pass", "follow", "chase",
      "book", "refer", "introduce", "update", "inform", "check", "welcome", "congratulations",
      // Pronoun-like words that start "X said" sentences.
      "another", "other", "others", "several", "many", "most", "few", "one", "either", "neither",
      "none", "whoever", "parents", "clients", "residents", "workers", "volunteers", "participants",
      "honestly", "basically", "anyway"};
  return *k;
}

const WordSet& Calendar() {
  static const auto* const k =
      new WordSet{"january",   "february",  "march",   "april",    "may",      "june",   "july",
                  "august",    "september", "october", "november", "december", "monday", "tuesday",
                  "wednesday", "thursday",  "friday",  "saturday", "sunday",   "jan",    "feb",
                  "mar",       "apr",       "jun",     "jul",      "aug",      "sep",    "sept",
                  "oct",       "nov",       "dec",     "mon",      "tue",      "tues",   "wed",
                  "thu",       "thur",      "thurs",   "fri",      "sat",      "sun"};
  return *k;
}

// Before these a capitalised word-name ("the Green", "a Rose") is the ordinary word.
const WordSet& Determiners() {
  static const auto* const k =
      new WordSet{"the",  "a",       "an",   "this",  "that", "these", "those", "my",    "your",
                  "his",  "her",     "our",  "their", "its",  "some",  "any",   "every", "no",
                  "each", "another", "such", "which", "what", "whose", "of"};
  return *k;
}

// After a word-name at the start of a sentence, these say it is a person ("Grace said").
const WordSet& PersonVerbs() {
  static const auto* const k = new WordSet{
      "said",      "says",      "told",      "tells",     "asked",    "asks",       "explained",
      "mentioned", "rang",      "phoned",    "texted",    "emailed",  "replied",    "agreed",
      "shared",    "described", "added",     "admitted",  "recalled", "remembered", "laughed",
      "cried",     "arrived",   "came",      "wanted",    "wants",    "felt",       "feels",
      "thinks",    "thought",   "knows",     "talked",    "spoke",    "wrote",      "attended",
      "missed",    "joined",    "suggested", "disclosed", "reported", "stated",     "noted",
      "didn't",    "doesn't",   "couldn't",  "wasn't",    "hasn't",   "can't",      "explains",
      "brought",   "booked",    "went"};
  return *k;
}

// Roles after which a capitalised word is the person in that role ("my friend Nasreen").
const WordSet& Roles() {
  static const auto* const k = new WordSet{
      "worker",        "keyworker", "friend",       "sister",       "brother",      "daughter",
      "son",           "mum",       "mother",       "dad",          "father",       "partner",
      "husband",       "wife",      "boyfriend",    "girlfriend",   "ex",           "neighbour",
      "cousin",        "niece",     "nephew",       "colleague",    "receptionist", "nurse",
      "doctor",        "gp",        "midwife",      "counsellor",   "therapist",    "manager",
      "advocate",      "volunteer", "mentor",       "officer",      "visitor",      "baby",
      "granddaughter", "grandson",  "stepdaughter", "stepson",      "carer",        "flatmate",
      "lodger",        "social",    "psychiatrist", "psychologist", "pharmacist",   "solicitor"};
  return *k;
}

// Before these an unlisted capitalised word is more likely a place ("at Kirkstall").
const WordSet& PlacePrepositions() {
  static const auto* const k =
      new WordSet{"in",     "at",      "from", "near",    "on",      "into", "around",
                  "across", "outside", "via",  "through", "towards", "onto", "inside",
                  "within", "the",     "a",    "an",      "of"};
  return *k;
}

// After an unlisted word at the start of a sentence, these say it is a person.
const WordSet& SpeechVerbs() {
  static const auto* const k = new WordSet{
      "said",    "says",    "told",     "asked",  "explained", "texted",   "rang",    "phoned",
      "emailed", "replied", "messaged", "agreed", "mentioned", "admitted", "laughed", "cried"};
  return *k;
}

struct Token {
  size_t begin = 0;
  size_t end = 0;  // the word, without a possessive 's
  std::string lower;
  uint8_t flags = 0;
  bool barrier = false;      // a span another detector took
  bool capitalized = false;  // first letter upper case and not all capitals
  bool all_caps = false;
  bool has_digit = false;
  bool possessive = false;
  bool sentence_start = false;
  bool adjacent = false;     // only spaces (or an initial's dot) since the previous token
  bool after_comma = false;  // only a comma and spaces since the previous token
  bool is_name = false;
  const char* detector = "";
};

bool IsSentenceBreak(uint32_t cp) {
  return cp == '.' || cp == '!' || cp == '?' || cp == ':' || cp == ';' || cp == '\n' || cp == '"' ||
         cp == '(' || cp == '[' || cp == 0x201C || cp == 0x2022;
}

uint8_t LookupWord(const NameDictionary& dict, const std::string& lower) {
  if (uint8_t f = dict.Lookup(lower)) return f;
  if (lower.find('-') == std::string::npos) return 0;
  // Double-barrelled: every part must be a name; ordinary-word only if every part is.
  uint8_t all = 0;
  bool every_common = true;
  for (absl::string_view part : absl::StrSplit(lower, '-')) {
    const uint8_t f = dict.Lookup(part);
    if (f == 0) return 0;
    all |= f;
    every_common &= (f & kCommon) != 0;
  }
  return every_common ? all : static_cast<uint8_t>(all & ~kCommon);
}

// Splits `text` into word tokens, with barriers where other detectors took a span.
std::vector<Token> Tokenize(absl::string_view text, const std::vector<Candidate>& taken) {
  const NameDictionary& dict = NameDictionary::Get();
  std::vector<Token> tokens;
  tokens.reserve(text.size() / 5 + taken.size() + 1);  // about one token per 5-6 bytes of prose
  size_t next_taken = 0;
  bool pending_break = true;   // a sentence break since the last token
  bool pending_other = false;  // anything but spaces since the last token
  int pending_commas = 0;      // commas since the last token (if nothing else)
  bool dot_after_title = false;
  size_t i = 0;
  while (i < text.size()) {
    if (next_taken < taken.size() && i >= taken[next_taken].begin) {
      Token barrier;
      barrier.begin = taken[next_taken].begin;
      barrier.end = taken[next_taken].end;
      barrier.barrier = true;
      tokens.push_back(std::move(barrier));
      i = std::max(i, taken[next_taken].end);
      ++next_taken;
      pending_break = false;
      pending_other = false;
      pending_commas = 0;
      continue;
    }
    int len = 1;
    const uint32_t cp = DecodeAt(text, i, &len);
    if (!IsLetter(cp) && !(cp >= '0' && cp <= '9')) {
      if (cp == '.' && !tokens.empty() && !tokens.back().barrier &&
          (Titles().contains(tokens.back().lower) ||
           (tokens.back().end - tokens.back().begin == 1 && tokens.back().capitalized))) {
        dot_after_title = true;  // "Dr. Patel", "J. Smith": not the end of a sentence
      } else if (IsSentenceBreak(cp)) {
        pending_break = true;
      }
      if (cp == ',' && !pending_other) {
        ++pending_commas;
      } else if (cp != ' ' && !(cp == '.' && dot_after_title)) {
        pending_other = true;
      }
      i += len;
      continue;
    }
    // A word: letters and digits, with single apostrophes or hyphens between letters.
    Token t;
    t.begin = i;
    size_t j = i;
    while (j < text.size()) {
      if (next_taken < taken.size() && j >= taken[next_taken].begin) break;
      int l = 1;
      const uint32_t c = DecodeAt(text, j, &l);
      if (IsLetter(c) || (c >= '0' && c <= '9')) {
        t.has_digit |= c >= '0' && c <= '9';
        j += l;
        continue;
      }
      if ((c == '\'' || c == 0x2019 || c == '-') && j + l < text.size()) {
        int l2 = 1;
        const uint32_t after = DecodeAt(text, j + l, &l2);
        if (IsLetter(after)) {
          j += l;
          continue;
        }
      }
      break;
    }
    t.end = j;
    // Lower-case key with straight apostrophes; a trailing 's is a possessive.
    std::string lower;
    lower.reserve(j - i);
    for (size_t k = i; k < j;) {
      int l = 1;
      const uint32_t c = DecodeAt(text, k, &l);
      if (c == 0x2019) {
        lower.push_back('\'');
      } else if (l == 1) {
        lower.push_back(absl::ascii_tolower(static_cast<unsigned char>(text[k])));
      } else {
        lower.append(text.data() + k, l);
      }
      k += l;
    }
    if (lower.size() > 2 && lower.compare(lower.size() - 2, 2, "'s") == 0) {
      t.possessive = true;
      lower.resize(lower.size() - 2);
      t.end -= text[t.end - 2] == '\'' ? 2 : 4;  // ’ is three bytes
    }
    int first_len = 1;
    const uint32_t first = DecodeAt(text, i, &first_len);
    bool any_lower = false, any_upper = false;
    for (size_t k = i; k < t.end;) {
      int l = 1;
      const uint32_t c = DecodeAt(text, k, &l);
      if (IsLetter(c)) {
        if (IsUpper(c)) {
          any_upper = true;
        } else if (c >= 0x80 ? c != 0x2019 : absl::ascii_islower(static_cast<unsigned char>(c))) {
          any_lower = true;
        }
      }
      k += l;
    }
    // All capitals, or an acronym with a suffix ("GPs", "NHSmail"): not a name.
    int second_len = 1;
    const bool two_capitals = IsUpper(first) && i + first_len < t.end &&
                              IsUpper(DecodeAt(text, i + first_len, &second_len));
    t.all_caps = (any_upper && !any_lower && t.end - t.begin > 1) || two_capitals;
    t.capitalized = IsUpper(first) && !t.all_caps;
    t.sentence_start = pending_break;
    t.adjacent = !pending_other && pending_commas == 0 && !tokens.empty();
    t.after_comma = !pending_other && pending_commas == 1 && !tokens.empty();
    if (!t.has_digit && lower.size() >= 2) t.flags = LookupWord(dict, lower);
    t.lower = std::move(lower);
    tokens.push_back(std::move(t));
    pending_break = false;
    pending_other = false;
    pending_commas = 0;
    dot_after_title = false;
    i = j;
  }
  return tokens;
}

bool Word(const Token& t) { return !t.barrier && !t.has_digit; }

bool NotAName(const Token& t) { return (t.flags & kNotName) != 0; }
bool Listed(const Token& t) { return t.flags != 0 && !NotAName(t); }

// A token that may be part of a name once something else says a name is there.
bool NameShaped(const Token& t) {
  return Word(t) && (t.capitalized || (t.end - t.begin == 1 && t.all_caps)) &&
         !Stopwords().contains(t.lower) && !Calendar().contains(t.lower) &&
         !Titles().contains(t.lower);
}

void Mark(Token& t, const char* detector) {
  if (t.is_name) return;
  t.is_name = true;
  t.detector = detector;
}

bool HasWordSuffix(absl::string_view lower) {
  static constexpr absl::string_view kSuffixes[] = {
      "ness", "ment", "ments", "tion", "tions", "sion", "sions", "ity",  "ities",
      "ism",  "ship", "ing",   "ings", "ful",   "less", "able",  "ible", "ous",
      "ance", "ence", "ology", "ally", "ively", "ised", "ized"};
  for (absl::string_view suffix : kSuffixes) {
    if (lower.size() > suffix.size() + 2 && absl::EndsWith(lower, suffix)) return true;
  }
  return false;
}

// Decides whether token i starts (or is) a name on its own evidence; returns the detector or
// nullptr.
const char* Evidence(const std::vector<Token>& tokens, size_t i) {
  const Token& t = tokens[i];
  const size_t n = tokens.size();
  const Token* p1 = i >= 1 && !tokens[i - 1].barrier ? &tokens[i - 1] : nullptr;
  const Token* p2 = i >= 2 && !tokens[i - 2].barrier && p1 != nullptr ? &tokens[i - 2] : nullptr;
  const Token* next = i + 1 < n && !tokens[i + 1].barrier ? &tokens[i + 1] : nullptr;
  if (!NameShaped(t)) {
    // Only a well-known first name written in lower case ("i saw sarah") gets past here.
    const bool lower_first = Word(t) && !t.capitalized && !t.all_caps && Listed(t) &&
                             !(t.flags & kCommon) && (t.flags & kFirst) && t.end - t.begin >= 4 &&
                             !t.sentence_start && !Stopwords().contains(t.lower) &&
                             !Calendar().contains(t.lower);
    return lower_first ? "names:dictionary" : nullptr;
  }
  // "St James's", "St George's Crypt": a saint names a place.
  if (p1 != nullptr && p1->lower == "st") return nullptr;

  // After a title: "Mrs Kowalczyk", "Dr. Okafor" (the title itself stays).
  if (t.adjacent && p1 != nullptr && Titles().contains(p1->lower) &&
      (p1->capitalized || p1->all_caps)) {
    return "names:title";
  }
  // Introduced: "my name is Jo", "she's called Precious", "known as Tash", "call me Bev".
  const bool introduced =
      p1 != nullptr && !t.sentence_start &&
      (Introducers().contains(p1->lower) || (p1->lower == "name" && p1->possessive) ||
       ((p1->lower == "is" || p1->lower == "was") && p2 != nullptr && p2->lower == "name") ||
       (p1->lower == "as" && p2 != nullptr && p2->lower == "known") ||
       (p1->lower == "by" && p2 != nullptr && (p2->lower == "goes" || p2->lower == "go")) ||
       (p1->lower == "me" && p2 != nullptr && p2->lower == "call"));
  if (introduced) return "names:context";
  if (NotAName(t)) return nullptr;
  // A role: "my friend Nasreen", "receptionist Sarah", "her daughter Aoife".
  if (t.adjacent && p1 != nullptr && Roles().contains(p1->lower) && !p1->capitalized) {
    return "names:context";
  }
  // "I'm Sarah", "Hi Grace": a listed name right after.
  if (t.flags != 0 && t.adjacent && p1 != nullptr &&
      (p1->lower == "i'm" || p1->lower == "im" ||
       (p1->lower == "am" && p2 != nullptr && p2->lower == "i") ||
       Greetings().contains(p1->lower))) {
    return "names:context";
  }
  // Part of a capitalised phrase that is not a name ("Citizens Advice", "Sure Start").
  const bool after_possessive = t.adjacent && p1 != nullptr && p1->capitalized && p1->possessive;
  const bool in_phrase = after_possessive ||
                         (t.adjacent && p1 != nullptr && p1->capitalized && !p1->sentence_start &&
                          !Listed(*p1) && !Titles().contains(p1->lower)) ||
                         (next != nullptr && next->adjacent && next->capitalized && !Listed(*next));
  const bool next_is_speech = next != nullptr && next->adjacent && !next->capitalized &&
                              SpeechVerbs().contains(next->lower);

  if (Listed(t)) {
    // A listed name that is not a word: "Precious", "Okafor", "Siobhan".
    if (!(t.flags & kCommon)) return "names:dictionary";
    // A listed name that is also a word needs a sign it is a person.
    if (t.possessive) return "names:context";
    if (t.sentence_start) {
      const bool person_verb = next != nullptr && next->adjacent && !next->capitalized &&
                               PersonVerbs().contains(next->lower);
      return person_verb ? "names:context" : nullptr;
    }
    const bool after_determiner = p1 != nullptr && Determiners().contains(p1->lower);
    return !after_determiner && !in_phrase ? "names:capitalised" : nullptr;
  }

  // In no list: a capitalised word of three letters or more that is not shaped like an
  // abstract noun or an adjective ("Kindness", "Safeguarding", "Wonderful").
  if (t.end - t.begin < 3 || HasWordSuffix(t.lower)) return nullptr;
  if (t.sentence_start) {
    if (next_is_speech) return "names:context";
    const bool possessive_alone = t.possessive && next != nullptr && !next->capitalized;
    return possessive_alone ? "names:context" : nullptr;
  }
  const bool after_place_word = p1 != nullptr && PlacePrepositions().contains(p1->lower);
  // After a capitalised ordinary word it is one more word of a title ("The Green Party").
  const bool after_word = t.adjacent && p1 != nullptr && p1->capitalized && !p1->sentence_start &&
                          (p1->flags & kCommon);
  return !after_place_word && !in_phrase && !after_word ? "names:capitalised" : nullptr;
}

}  // namespace

void FindNames(absl::string_view text, const std::vector<Candidate>& taken,
               std::vector<Candidate>* out) {
  std::vector<Token> tokens = Tokenize(text, taken);
  const size_t n = tokens.size();
  for (size_t i = 0; i < n; ++i) {
    if (tokens[i].barrier) continue;
    if (const char* detector = Evidence(tokens, i)) Mark(tokens[i], detector);
  }

  // Grow names over neighbouring words, until nothing changes:
  //  - to the right over name-shaped words ("Sarah Thistlethwaite", "Dr Ngozi Okafor");
  //  - to the left over listed words ("Grace Patel", never "Thanks Sarah");
  //  - across a list of listed names ("Amber, Ruby and Jade").
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t i = 0; i < n; ++i) {
      if (!tokens[i].is_name) continue;
      for (size_t k = i + 1; k < n && k <= i + 2; ++k) {
        Token& r = tokens[k];
        if (r.is_name || !r.adjacent || !NameShaped(r) || NotAName(r) || tokens[k - 1].possessive) {
          break;
        }
        if (r.flags == 0 && !tokens[k - 1].capitalized) break;
        Mark(r, tokens[i].detector);
        changed = true;
      }
      if (i > 0) {
        Token& l = tokens[i - 1];
        // Before a surname (listed, never as a first name) any capitalised word will do:
        // "Chipo Davies".
        const bool surname = Listed(tokens[i]) && !(tokens[i].flags & kFirst);
        const bool left_ok = Listed(l) || (surname && l.flags == 0 && l.end - l.begin >= 3);
        if (!l.is_name && tokens[i].adjacent && NameShaped(l) && left_ok && !l.possessive &&
            !(i >= 2 && tokens[i - 2].lower == "st")) {
          Mark(l, tokens[i].detector);
          changed = true;
        }
      }
      // "Amber, [Ruby]": a listed name before a comma and a name.
      if (i > 0 && tokens[i].after_comma) {
        Token& l = tokens[i - 1];
        if (!l.is_name && NameShaped(l) && Listed(l) && !l.possessive) {
          Mark(l, "names:context");
          changed = true;
        }
      }
      // "[Ruby] and Jade" / "Ruby and [Jade]".
      for (int dir : {-1, 1}) {
        const long a = static_cast<long>(i) + dir, b = static_cast<long>(i) + 2 * dir;
        if (b < 0 || b >= static_cast<long>(n)) continue;
        Token& conj = tokens[a];
        Token& other = tokens[b];
        if (conj.barrier || (conj.lower != "and" && conj.lower != "or" && conj.lower != "&")) {
          continue;
        }
        if (!other.is_name && NameShaped(other) && Listed(other) && !other.possessive &&
            (dir > 0 ? conj.adjacent && other.adjacent : conj.adjacent && tokens[i].adjacent)) {
          Mark(other, "names:context");
          changed = true;
        }
      }
    }
  }

  // One finding per run of adjacent name words.
  for (size_t i = 0; i < n;) {
    if (!tokens[i].is_name) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j + 1 < n && tokens[j + 1].is_name && tokens[j + 1].adjacent && !tokens[j].possessive) {
      ++j;
    }
    out->push_back({tokens[i].begin, tokens[j].end, IdentifierType::kName, tokens[i].detector});
    i = j + 1;
  }
}

}  // namespace bridging::privacy::internal
