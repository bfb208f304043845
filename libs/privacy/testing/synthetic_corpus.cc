// Generates the labelled corpus from sentence templates. A template holds slots such as
// {FULL} or {PHONE}; each slot is filled with a generated value in one of the forms people
// actually write, and the value's span is labelled. Slots for things that are not
// identifiers ({TOWN}, {ORG}, {N}) are filled but not labelled.
#include "libs/privacy/testing/synthetic_corpus.h"

#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"

namespace bridging::privacy::testing {
namespace {

// Women's first names as common in West Yorkshire services, including names that are
// ordinary words ("Grace", "Hope", "Amber") and, about one in nine, names in no list the
// detector uses, so that its context rules are measured too.
constexpr const char* kFirstNames[] = {
    "Sarah", "Emma", "Laura", "Rebecca", "Gemma", "Kirsty", "Leanne", "Stacey", "Kelly", "Donna",
    "Michelle", "Nicola", "Joanne", "Samantha", "Charlotte", "Chloe", "Jade", "Amy", "Hayley",
    "Danielle", "Aisha", "Fatima", "Amina", "Nadia", "Shazia", "Nasreen", "Priya", "Sunita",
    "Precious", "Blessing", "Chipo", "Adaeze", "Ngozi", "Agnieszka", "Katarzyna", "Ioana",
    "Siobhan", "Niamh", "Aoife", "Rhiannon", "Kayleigh", "Shannon", "Tash", "Bev", "Grace", "Hope",
    "Rose", "Ruby", "Holly", "Amber", "Poppy", "Daisy", "Faith", "Dawn", "Summer", "Hazel",
    "Olivia", "Sophie", "Lucy", "Hannah", "Zainab", "Maryam", "Roxanne", "Tracey", "Julie", "Karen",
    "Lisa", "Wendy", "Mandy", "Debbie", "Lorraine", "Angela", "Zoë", "Siân", "Małgorzata",
    "Marie-Claire",
    // In none of the lists the detector uses: found by context or not at all.
    "Tiegan", "Jaydah", "Marzena", "Chenai", "Ruvarashe", "Tamsin", "Bryony", "Fearne", "Akinyi",
    "Bolanle"};
// Staff and family, some men.
constexpr const char* kOtherFirstNames[] = {"David",  "Mark",     "Paul", "James",  "Imran",
                                            "Tariq",  "Mohammed", "Kofi", "Tomasz", "Liam",
                                            "Connor", "Jamal",    "Gary", "Steve"};
constexpr const char* kSurnames[] = {
    "Smith",          "Jones",     "Taylor",    "Brown",      "Williams",  "Wilson",  "Johnson",
    "Davies",         "Robinson",  "Wright",    "Thompson",   "Evans",     "Walker",  "White",
    "Roberts",        "Green",     "Hall",      "Wood",       "Jackson",   "Clarke",  "Patel",
    "Khan",           "Begum",     "Hussain",   "Ahmed",      "Ali",       "Akhtar",  "Bibi",
    "Rahman",         "Chowdhury", "Kaur",      "Singh",      "Okafor",    "Mensah",  "Adeyemi",
    "Nwosu",          "Kowalski",  "Nowak",     "Wiśniewska", "Popescu",   "Murphy",  "O'Brien",
    "Kelly",          "Byrne",     "McCarthy",  "Doherty",    "Campbell",  "Stewart", "Reid",
    "Thistlethwaite", "Ackroyd",   "Sutcliffe", "Haigh",      "Greenwood", "Holroyd", "Booth",
    "Smith-Jones",    "Oduya"};
constexpr const char* kTitles[] = {"Dr", "Dr", "Dr", "Mrs", "Ms", "Miss", "Mr", "Dr."};
constexpr const char* kTowns[] = {"Leeds",        "Bradford", "Halifax",  "Wakefield",
                                  "Huddersfield", "Keighley", "Dewsbury", "Harrogate"};
constexpr const char* kOrgs[] = {"Women's Aid",    "Citizens Advice",   "the Job Centre",
                                 "the food bank",  "St George's Crypt", "Basis Yorkshire",
                                 "the Samaritans", "Forward Leeds"};
constexpr const char* kStreets[] = {
    "Harehills", "Victoria", "Cowper",   "Roundhay",  "Hyde Park", "Church",     "Mill",
    "Station",   "Spencer",  "Bankside", "Cardigan",  "Brudenell", "Manor",      "Oak",
    "Beech",     "Elm",      "Moor",     "St Mark's", "Queen's",   "King Edward"};
constexpr const char* kSuffixes[] = {"Street",   "Road",    "Lane",  "Avenue",  "Close", "Drive",
                                     "Crescent", "Terrace", "Grove", "Gardens", "Place", "Mount",
                                     "View",     "Rd",      "St",    "Ave"};
constexpr const char* kStrongSuffixes[] = {"Street", "Road",     "Lane",    "Avenue",
                                           "Close",  "Crescent", "Terrace", "Grove"};
constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
constexpr const char* kShortMonths[] = {"Jan", "Feb", "Mar",  "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"};
constexpr const char* kWeekdays[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"};
constexpr const char* kPostcodes[] = {"LS6 2AB", "LS8 5QR",  "LS7 3HB", "BD7 1DP", "BD3 9LT",
                                      "M1 1AE",  "M14 5RX",  "S2 4QE",  "HX1 2PL", "WF1 3JT",
                                      "HD1 6LS", "SW1A 1AA", "E17 4PP", "B12 9QR", "NE6 1SX",
                                      "L8 2TL",  "LS11 6DN", "BD18 4RE"};
constexpr const char* kDistricts[] = {"LS8", "LS9", "LS11", "BD3", "BD5", "HX1", "WF1", "M14"};
constexpr const char* kMailDomains[] = {"gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk",
                                        "nhs.net",   "icloud.com",    "live.co.uk"};

// Sentences by kind. Slots: {FIRST} a first name, {FULL} first and surname, {TNAME} title and
// surname (title not labelled), {POSS} a first name with 's, {STAFF} a staff first name,
// {PHONE} {EMAIL} {NHS} {POSTCODE} {DISTRICT} {DATE} {MONTHYEAR} {ADDRESS} {STREET} {URL};
// unlabelled: {TOWN} {ORG} {N} {P}.
constexpr const char* kReflective[] = {
    "I went to the surgery on {DATE} and the receptionist asked for proof of address again.",
    "{FIRST} from the group came with me, which really helped.",
    "My support worker {FULL} rang me on {PHONE} to check I was OK after the appointment.",
    "When I registered they wanted my NHS number ({NHS}) and I didn't know it.",
    "{TNAME} was kind about it and said it didn't matter.",
    "I'm staying at {ADDRESS}, {TOWN} {POSTCODE} for now but I might be moving to {DISTRICT} "
    "next month.",
    "{POSS} idea was to have a quiet room by reception. I think it would help women like us.",
    "You can email me at {EMAIL} if you want to know more about what I said.",
    "There's a leaflet on {URL} about trauma and how GPs can help.",
    "On {DATE} I had my first longer appointment and I didn't feel rushed.",
    "My name is {FIRST} and I have been coming to the group since {MONTHYEAR}.",
    "I saw {TNAME} on {DATE}. She offered a chaperone without me having to ask.",
    "{FIRST} said the new form doesn't ask for an address any more, which is massive for "
    "anyone sofa surfing.",
    "I told them my mobile is {PHONE} but they kept ringing the old number.",
    "I felt safe for once. The nurse explained everything before she did it.",
    "Sometimes I can't face the waiting room. It's loud and the TV is always on.",
    "The letter went to my old place on {STREET} so I never got it.",
    "I went with {FIRST} to the drop-in and we both got seen the same day.",
    "My daughter {FIRST} was born on {DATE} and the health visitor has been great.",
    "I don't want {FULL} from the practice knowing my business, she lives near me in "
    "{DISTRICT}.",
    "My key worker is called {FIRST} and she's the only one I trust.",
    "I texted {FIRST} on {PHONE} when I got out of the appointment.",
    "The receptionist at the {TOWN} practice was new and didn't know the policy.",
    "It took {N} phone calls to get through at 8am.",
};
constexpr const char* kInterview[] = {
    "Interviewer: Can you tell me about the last time you went to the GP?\n{P}: Yeah, it was "
    "{DATE}. I saw {TNAME} and she let me talk.",
    "{P}: My worker {FIRST} sorted it, she phoned them from the office.",
    "Interviewer: How did you hear about the group?\n{P}: My friend {FULL} told me about it.",
    "{P}: They sent a letter to {ADDRESS}, {TOWN} {POSTCODE} but I'd already moved.",
    "{P}: I was under {TNAME} at {ORG} until {DATE}.",
    "{P}: Ring me on {PHONE} or my sister on {PHONE}, whichever.",
    "Interviewer: What would make reception feel safer?\n{P}: Not having to say why I'm there "
    "in front of everyone.",
    "{P}: {FIRST} was with me when it happened, she can tell you.",
    "{P}: I'm in {DISTRICT} now, near the park, it's quieter.",
    "{P}: My NHS number is {NHS}, I've got it written down now.",
    "{P}: Honestly? {FULL} at the front desk is the reason I kept going back.",
    "Interviewer: Is there anything else?\n{P}: Just that they should listen. That's it.",
    "{P}: She gave me her email, {EMAIL}, so I didn't have to ring.",
    "{P}: I've been clean since {DATE}. {FIRST} and {FIRST} helped me through it.",
    "{P}: You can look it up, it's on {URL}.",
    "{P}: I grew up in {TOWN} and moved to {DISTRICT} after the refuge.",
    "{P}: Dr. {SURNAME} asked if I wanted a woman doctor, nobody had ever asked me that.",
};
constexpr const char* kMeeting[] = {
    "Group met on {DATE}. {FIRST}, {FIRST} and {FIRST} attended.",
    "Discussion focused on the reception environment and longer first appointments.",
    "{FULL} (practice manager) joined for the second half.",
    "Action: {STAFF} to follow up with {TNAME} about the chaperone policy before {DATE}.",
    "Action: practice to update the website {URL} with the new registration guidance.",
    "{POSS} point about phone triage was agreed by everyone.",
    "Next meeting {DATE} at {ORG}, {ADDRESS}.",
    "Contact for the session: {STAFF} on {PHONE} or {EMAIL}.",
    "Some participants felt the posters in the waiting room were helpful.",
    "The group asked for the minutes to be read out, not just emailed.",
    "{FIRST} shared her experience of registering without proof of address.",
    "Apologies from {FULL}.",
};
constexpr const char* kFeedback[] = {
    "The receptionist {FIRST} was brilliant, she remembered me.",
    "Please pass my thanks to {TNAME}.",
    "I was seen on {DATE} and it was the first time I felt listened to.",
    "Contact me on {EMAIL} or {PHONE} if you need more.",
    "My address is {ADDRESS}, {POSTCODE}.",
    "The new room at the back is much better.",
    "Can someone call me back on {PHONE} about my appointment on {DATE}?",
    "{FULL} explained my results properly for once.",
    "Patient NHS no. {NHS}, DOB {DATE}.",
    "Feedback given on {DATE}, {TOWN} practice.",
};
// Hard negatives: nothing here is personal, all of it should survive.
constexpr const char* kDistractors[] = {
    "I've been on vitamin B12 injections every 12 weeks since the spring.",
    "We got stuck on the M62 for an hour so I missed it.",
    "The appointment was at 10:30 and I waited 45 minutes.",
    "It cost me £250 to get the letter sorted.",
    "They said to ring 111 or 999 if it gets worse.",
    "May I say something about the waiting room?",
    "Will they ever listen? I hope so.",
    "Grace period on the fines is 14 days.",
    "The Green Party stall was outside the chemist.",
    "We went to Citizens Advice and then to the Job Centre.",
    "I was in A&E for 6 hours on a Friday night.",
    "Reception staff had trauma training in March.",
    "In 2019 I was sleeping rough.",
    "About 3 out of 10 women said they felt judged.",
    "Her Mum came with her to the appointment.",
    "We talked about the Trauma Informed Care training.",
    "Christmas is hard for lots of us.",
    "I'm on Universal Credit and the sanctions nearly broke me.",
    "It took 3 appointments and 2 phone calls.",
    "The practice opens at 8am, Monday to Friday.",
    "Hope is what keeps me going, honestly.",
    "The Women's Aid worker was lovely.",
    "Mark my words, it will change.",
    "Summer holidays are the worst for money.",
    "The form was 4 pages long, version 2.1.",
    "Dawn is the worst time for me, I don't sleep.",
    "Faith groups run the Tuesday drop-in.",
    "Page 3 of the leaflet explains it.",
    "Rose Hill surgery has a ramp now.",
    "The Royal Mail lost my letter.",
    "I rang 0800 number on the poster but it was shut.",
    "Reference 123456789 was on the letter.",
    "Ward 24 at St James's has a new manager.",
};

class Generator {
 public:
  explicit Generator(uint64_t seed) : engine_(seed) {}

  LabelledDocument Document() {
    LabelledDocument doc;
    static constexpr const char* kKinds[] = {"reflective_note", "interview", "meeting_observation",
                                             "feedback"};
    const size_t kind = Pick(4);
    doc.kind = kKinds[kind];
    participant_ = absl::StrCat("P", 1 + Pick(12));
    const size_t sentences = 3 + Pick(6);
    for (size_t i = 0; i < sentences; ++i) {
      if (i > 0) doc.text += Pick(4) == 0 ? "\n" : " ";
      if (Pick(5) == 0) {
        Expand(kDistractors[Pick(std::size(kDistractors))], &doc);
        continue;
      }
      switch (kind) {
        case 0:
          Expand(kReflective[Pick(std::size(kReflective))], &doc);
          break;
        case 1:
          Expand(kInterview[Pick(std::size(kInterview))], &doc);
          break;
        case 2:
          Expand(kMeeting[Pick(std::size(kMeeting))], &doc);
          break;
        default:
          Expand(kFeedback[Pick(std::size(kFeedback))], &doc);
          break;
      }
    }
    return doc;
  }

 private:
  size_t Pick(size_t n) { return static_cast<size_t>(engine_() % n); }
  template <size_t N>
  const char* From(const char* const (&list)[N]) {
    return list[Pick(N)];
  }
  std::string Digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + Pick(10)));
    return s;
  }

  void Labelled(IdentifierType type, absl::string_view value, LabelledDocument* doc) {
    const size_t begin = doc->text.size();
    doc->text.append(value.data(), value.size());
    doc->labels.push_back({type, begin, doc->text.size()});
  }

  std::string Phone() {
    const std::string d3 = Digits(3);
    switch (Pick(16)) {
      case 12:
        return absl::StrCat("07700-900-", d3);
      case 13:
        return absl::StrCat("0113 4960 ", d3);
      case 14:
        return absl::StrCat("+44 113 496 0", d3);
      case 15:
        return absl::StrCat("0161-496-0", d3);
      case 0:
        return absl::StrCat("07700 900", d3);
      case 1:
        return absl::StrCat("07700900", d3);
      case 2:
        return absl::StrCat("07700 900 ", d3);
      case 3:
        return absl::StrCat("+44 7700 900", d3);
      case 4:
        return absl::StrCat("+44 (0)7700 900", d3);
      case 5:
        return absl::StrCat("+447700900", d3);
      case 6:
        return absl::StrCat("0113 496 0", d3);
      case 7:
        return absl::StrCat("(0113) 496 0", d3);
      case 8:
        return absl::StrCat("0113-496-0", d3);
      case 9:
        return absl::StrCat("020 7946 0", d3);
      case 10:
        return absl::StrCat("0161 496 0", d3);
      default:
        return absl::StrCat("01632 960", d3);
    }
  }

  std::string Nhs() {
    while (true) {
      std::string d = absl::StrCat(4 + Pick(3), Digits(8));
      int sum = 0;
      for (int i = 0; i < 9; ++i) sum += (d[i] - '0') * (10 - i);
      int check = 11 - sum % 11;
      if (check == 11) check = 0;
      if (check == 10) continue;
      d.push_back(static_cast<char>('0' + check));
      switch (Pick(3)) {
        case 0:
          return absl::StrCat(d.substr(0, 3), " ", d.substr(3, 3), " ", d.substr(6));
        case 1:
          return d;
        default:
          return absl::StrCat(d.substr(0, 3), "-", d.substr(3, 3), "-", d.substr(6));
      }
    }
  }

  std::string Postcode() {
    std::string p = From(kPostcodes);
    if (Pick(10) == 0) p = absl::AsciiStrToLower(p);
    if (Pick(10) == 0) p = absl::StrReplaceAll(p, {{" ", ""}});
    return p;
  }

  std::string Date() {
    const int day = 1 + static_cast<int>(Pick(28));
    const int month = static_cast<int>(Pick(12));
    const int year = 2015 + static_cast<int>(Pick(10));
    static constexpr const char* kOrdinals[] = {"th", "st", "nd", "rd"};
    const char* ord =
        (day % 10 >= 1 && day % 10 <= 3 && day / 10 != 1) ? kOrdinals[day % 10] : "th";
    switch (Pick(14)) {
      case 11:
        return absl::StrFormat("%d%s %s, %d", day, ord, kMonths[month], year);
      case 12:
        return absl::StrFormat("%.3s %d%s %s", From(kWeekdays), day, ord, kMonths[month]);
      case 13:
        return absl::StrFormat("%d-%d-%d", day, month + 1, year);
      case 0:
        return absl::StrFormat("%02d/%02d/%d", day, month + 1, year);
      case 1:
        return absl::StrFormat("%d/%d/%02d", day, month + 1, year % 100);
      case 2:
        return absl::StrFormat("%02d.%02d.%d", day, month + 1, year);
      case 3:
        return absl::StrFormat("%d-%02d-%02d", year, month + 1, day);
      case 4:
        return absl::StrFormat("%d%s %s %d", day, ord, kMonths[month], year);
      case 5:
        return absl::StrFormat("%d %s", day, kMonths[month]);
      case 6:
        return absl::StrFormat("%s %d%s", kMonths[month], day, ord);
      case 7:
        return absl::StrFormat("%s %d%s %s", From(kWeekdays), day, ord, kMonths[month]);
      case 8:
        return absl::StrFormat("%d %s %d", day, kShortMonths[month], year);
      case 9:
        return absl::StrFormat("%d%s of %s", day, ord, kMonths[month]);
      default:
        return absl::StrFormat("%s, %d %s %d", From(kWeekdays), day, kMonths[month], year);
    }
  }

  std::string Address() {
    std::string a;
    switch (Pick(8)) {
      case 0:
        a = absl::StrCat("Flat ", 1 + Pick(12), ", ");
        break;
      case 1:
        a = absl::StrCat("Flat ", 1 + Pick(12), "b, ");
        break;
      case 2:
        a = absl::StrCat("Apartment ", 1 + Pick(40), ", ");
        break;
      default:
        break;
    }
    absl::StrAppend(&a, 1 + Pick(180), Pick(8) == 0 ? "a" : "", Pick(10) == 0 ? ", " : " ",
                    From(kStreets), " ", From(kSuffixes));
    return a;
  }

  std::string Url(const std::string& first, const std::string& surname) {
    const std::string f = absl::AsciiStrToLower(first), s = absl::AsciiStrToLower(surname);
    switch (Pick(8)) {
      case 6:
        return absl::StrCat("facebook.com/groups/", f, s.substr(0, 1), "support");
      case 7:
        return "https://www.gov.uk/universal-credit/how-to-claim";
      case 0:
        return absl::StrCat("https://www.facebook.com/", f, ".", s, ".", Pick(900));
      case 1:
        return "www.sunflowerwomen.org.uk";
      case 2:
        return absl::StrCat("instagram.com/", f, "_", Digits(2));
      case 3:
        return absl::StrCat("https://gofund.me/", Digits(6));
      case 4:
        return absl::StrCat("bit.ly/3", Digits(4), "x");
      default:
        return "http://www.parksidesurgery.nhs.uk/contact-us";
    }
  }

  static std::string Ascii(absl::string_view name) {
    std::string out;
    for (char c : name) {
      if (absl::ascii_isalpha(static_cast<unsigned char>(c))) out.push_back(c);
    }
    return out;
  }

  void Expand(absl::string_view tmpl, LabelledDocument* doc) {
    size_t i = 0;
    while (i < tmpl.size()) {
      if (tmpl[i] != '{') {
        doc->text.push_back(tmpl[i++]);
        continue;
      }
      const size_t close = tmpl.find('}', i);
      const absl::string_view slot = tmpl.substr(i + 1, close - i - 1);
      i = close + 1;
      const std::string first = From(kFirstNames);
      const std::string surname = From(kSurnames);
      if (slot == "FIRST") {
        // Now and then written in lower case, as people do in quick notes.
        Labelled(IdentifierType::kName, Pick(40) == 0 ? absl::AsciiStrToLower(first) : first, doc);
      } else if (slot == "STAFF") {
        Labelled(IdentifierType::kName, From(kOtherFirstNames), doc);
      } else if (slot == "FULL") {
        Labelled(IdentifierType::kName, absl::StrCat(first, " ", surname), doc);
      } else if (slot == "SURNAME") {
        Labelled(IdentifierType::kName, surname, doc);
      } else if (slot == "TNAME") {
        doc->text += From(kTitles);
        doc->text += " ";
        Labelled(IdentifierType::kName, Pick(4) == 0 ? absl::StrCat(first, " ", surname) : surname,
                 doc);
      } else if (slot == "POSS") {
        Labelled(IdentifierType::kName, first, doc);
        doc->text += Pick(5) == 0 ? "’s" : "'s";
      } else if (slot == "PHONE") {
        Labelled(IdentifierType::kPhone, Phone(), doc);
      } else if (slot == "EMAIL") {
        const std::string f = absl::AsciiStrToLower(Ascii(first));
        const std::string s = absl::AsciiStrToLower(Ascii(surname));
        std::string local;
        switch (Pick(4)) {
          case 0:
            local = absl::StrCat(f, ".", s);
            break;
          case 1:
            local = absl::StrCat(f, s.substr(0, 1), Digits(2));
            break;
          case 2:
            local = absl::StrCat(f, "_", s, Pick(2000));
            break;
          default:
            local = absl::StrCat(s.substr(0, 1), f);
            break;
        }
        std::string email = absl::StrCat(local, "@", From(kMailDomains));
        if (Pick(10) == 0) email[0] = absl::ascii_toupper(static_cast<unsigned char>(email[0]));
        Labelled(IdentifierType::kEmail, email, doc);
      } else if (slot == "NHS") {
        Labelled(IdentifierType::kNhsNumber, Nhs(), doc);
      } else if (slot == "POSTCODE") {
        Labelled(IdentifierType::kPostcode, Postcode(), doc);
      } else if (slot == "DISTRICT") {
        const std::string district = From(kDistricts);
        switch (Pick(3)) {
          case 0:
            Labelled(IdentifierType::kPostcode, district, doc);
            break;
          case 1:
            doc->text += "the ";
            Labelled(IdentifierType::kPostcode, district, doc);
            doc->text += " area";
            break;
          default:
            doc->text += "around ";
            Labelled(IdentifierType::kPostcode, district, doc);
            break;
        }
      } else if (slot == "DATE") {
        Labelled(IdentifierType::kDate, Date(), doc);
      } else if (slot == "MONTHYEAR") {
        Labelled(IdentifierType::kDate, absl::StrCat(From(kMonths), " ", 2015 + Pick(10)), doc);
      } else if (slot == "ADDRESS") {
        Labelled(IdentifierType::kAddress, Address(), doc);
      } else if (slot == "STREET") {
        Labelled(IdentifierType::kAddress, absl::StrCat(From(kStreets), " ", From(kStrongSuffixes)),
                 doc);
      } else if (slot == "URL") {
        Labelled(IdentifierType::kUrl, Url(Ascii(first), Ascii(surname)), doc);
      } else if (slot == "TOWN") {
        doc->text += From(kTowns);
      } else if (slot == "ORG") {
        doc->text += From(kOrgs);
      } else if (slot == "N") {
        absl::StrAppend(&doc->text, 2 + Pick(20));
      } else if (slot == "P") {
        doc->text += participant_;
      }
    }
  }

  std::mt19937_64 engine_;
  std::string participant_;
};

}  // namespace

std::vector<LabelledDocument> GenerateCorpus(size_t documents, uint64_t seed) {
  Generator generator(seed);
  std::vector<LabelledDocument> corpus;
  corpus.reserve(documents);
  for (size_t i = 0; i < documents; ++i) corpus.push_back(generator.Document());
  return corpus;
}

}  // namespace bridging::privacy::testing
