// Unit tests of RedactText: each detector on the forms people write, the look-alikes it must
// leave alone, offsets, the type filter and input validation.
#include "libs/privacy/redact.h"

#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bridging::privacy {
namespace {

using ::testing::HasSubstr;

std::string Redacted(const std::string& text) {
  auto r = RedactText(text);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->text : "";
}

// The types found, in order.
std::vector<IdentifierType> Types(const std::string& text) {
  auto r = RedactText(text);
  EXPECT_TRUE(r.ok()) << r.status();
  std::vector<IdentifierType> out;
  if (r.ok()) {
    for (const Finding& f : r->findings) out.push_back(f.type);
  }
  return out;
}

TEST(RedactTest, NhsNumbersWithAValidCheckDigitSpacedOrNot) {
  EXPECT_EQ(Redacted("NHS no 943 476 5919."), "NHS no [NHS_NUMBER].");
  EXPECT_EQ(Redacted("NHS no 9434765919."), "NHS no [NHS_NUMBER].");
  EXPECT_EQ(Redacted("NHS no 943-476-5919."), "NHS no [NHS_NUMBER].");
  // A wrong check digit is some other number.
  EXPECT_EQ(Redacted("Ref 943 476 5918."), "Ref 943 476 5918.");
  auto r = RedactText("943 476 5919");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->findings[0].detector, "nhs_number:mod11");
}

TEST(RedactTest, UkPhoneNumbersInTheFormsPeopleWrite) {
  for (const std::string phone :
       {"07700 900123", "07700900123", "+44 7700 900123", "+44 (0)7700 900123", "+447700900123",
        "0113 496 0123", "(0113) 496 0123", "0113-496-0123", "020 7946 0958", "01632 960123",
        "07911 123456", "+44 20 7946 0958"}) {
    EXPECT_EQ(Redacted("Ring me on " + phone + " please."), "Ring me on [PHONE] please.") << phone;
  }
  // Real mobile ranges are valid to libphonenumber; the drama range only "possible".
  auto valid = RedactText("07911 123456");
  ASSERT_TRUE(valid.ok());
  EXPECT_EQ(valid->findings[0].detector, "libphonenumber:valid");
}

TEST(RedactTest, NumbersThatAreNotPhoneNumbersStay) {
  for (const std::string text :
       {"It cost £250.", "At 10:30 on the dot.", "Ring 111 or 999.", "Reference 123456789.",
        "Version 2.1 of the form.", "3 out of 10 women.", "24/7 support."}) {
    EXPECT_EQ(Redacted(text), text);
  }
}

TEST(RedactTest, EmailsAndUrls) {
  EXPECT_EQ(Redacted("Email sarah.jones85@hotmail.co.uk today."), "Email [EMAIL] today.");
  EXPECT_EQ(Redacted("See https://www.facebook.com/sarah.jones.12?ref=x."), "See [URL].");
  EXPECT_EQ(Redacted("See www.sunflowerwomen.org.uk, it helps."), "See [URL], it helps.");
  EXPECT_EQ(Redacted("Link: bit.ly/3abc9x"), "Link: [URL]");
  EXPECT_EQ(Redacted("Go to nhs.uk/conditions for more."), "Go to [URL] for more.");
  EXPECT_EQ(Redacted("e.g. the form, i.e. the new one."), "e.g. the form, i.e. the new one.");
  EXPECT_EQ(Types("mail me at jo@example.com"),
            std::vector<IdentifierType>{IdentifierType::kEmail});
}

TEST(RedactTest, PostcodesFullAndDistrictsInContext) {
  EXPECT_EQ(Redacted("She lives at LS6 2AB now."), "She lives at [POSTCODE] now.");
  EXPECT_EQ(Redacted("Postcode ls6 2ab."), "Postcode [POSTCODE].");
  EXPECT_EQ(Redacted("SW1A1AA"), "[POSTCODE]");
  EXPECT_EQ(Redacted("She moved to LS8 last year."), "She moved to [POSTCODE] last year.");
  EXPECT_EQ(Redacted("In the BD3 area."), "In the [POSTCODE] area.");
  // Look-alikes: a vitamin, a motorway, a room and an ordinal.
  for (const std::string text :
       {"Vitamin B12 injections.", "Stuck on the M62.", "Room B1 2nd floor.", "Form A1 please."}) {
    EXPECT_EQ(Redacted(text), text);
  }
}

TEST(RedactTest, DatesInCommonWrittenForms) {
  for (const std::string date :
       {"12/03/2023", "3/4/24", "12.03.2023", "2023-03-12", "12th March 2023", "3 March",
        "March 3rd", "Tuesday 14th February", "14 Feb 2023", "3rd of April", "March 2023",
        "Monday, 5 June 2023", "Friday the 13th"}) {
    EXPECT_EQ(Redacted("Seen on " + date + " by the nurse."), "Seen on [DATE] by the nurse.")
        << date;
  }
  for (const std::string text : {"Training was in March.", "May I say something?", "It 2 may help.",
                                 "Open 24/7.", "In 2019 I was rough."}) {
    EXPECT_EQ(Redacted(text), text);
  }
  // The full stop after an abbreviated month ends the sentence, it is not redacted.
  EXPECT_EQ(Redacted("Seen 3 Sept. Then home."), "Seen [DATE]. Then home.");
}

TEST(RedactTest, StreetAddresses) {
  EXPECT_EQ(Redacted("Flat 3, 27 Victoria Road, Leeds"), "[ADDRESS], Leeds");
  EXPECT_EQ(Redacted("At 12a Hyde Park Close."), "At [ADDRESS].");
  EXPECT_EQ(Redacted("At 105 Roundhay Rd."), "At [ADDRESS].");
  EXPECT_EQ(Redacted("I lived on Cowper Street for years."), "I lived on [ADDRESS] for years.");
  EXPECT_EQ(Redacted("The Road to recovery is long."), "The Road to recovery is long.");
}

TEST(RedactTest, NamesFromTheDictionary) {
  EXPECT_EQ(Redacted("I saw Siobhan Okafor today."), "I saw [NAME] today.");
  EXPECT_EQ(Redacted("Precious came too."), "[NAME] came too.");
  EXPECT_EQ(Redacted("Mary-Jane O'Brien rang."), "[NAME] rang.");
  EXPECT_EQ(Redacted("It was Sarah's idea."), "It was [NAME]'s idea.");
  EXPECT_EQ(Redacted("It was Sarah’s idea."), "It was [NAME]’s idea.");
  EXPECT_EQ(Redacted("Zoë rang me."), "[NAME] rang me.");
}

TEST(RedactTest, NamesFromContext) {
  // Unlisted names after a title, an introduction or a role.
  EXPECT_EQ(Redacted("I saw Mrs Kowalczykowa."), "I saw Mrs [NAME].");
  EXPECT_EQ(Redacted("Dr. Thistlewaite-Smythe was kind."), "Dr. [NAME] was kind.");
  EXPECT_EQ(Redacted("Hi, my name is Tiegan."), "Hi, my name is [NAME].");
  EXPECT_EQ(Redacted("She's called Jaydah."), "She's called [NAME].");
  EXPECT_EQ(Redacted("My friend Bolanle came."), "My friend [NAME] came.");
  // Names that are words need a sign they are people.
  EXPECT_EQ(Redacted("Grace said it was fine."), "[NAME] said it was fine.");
  EXPECT_EQ(Redacted("I went with Grace to the drop-in."), "I went with [NAME] to the drop-in.");
  EXPECT_EQ(Redacted("Grace Brown came."), "[NAME] came.");
  EXPECT_EQ(Redacted("Amber, Ruby and Jade attended."), "[NAME], [NAME] and [NAME] attended.");
  for (const std::string text :
       {"Will they ever listen? I hope so.", "Hope is what keeps me going.",
        "Grace period is 14 days.", "The Green Party stall.", "May I ask?",
        "Ward 24 at St James's.", "We went to Citizens Advice.", "I rang the GPs.",
        "Christmas is hard.", "Leeds is home.", "I speak Urdu and English."}) {
    EXPECT_EQ(Redacted(text), text);
  }
}

TEST(RedactTest, FindingsHaveOffsetsInBothTextsAndNeverTheValue) {
  const std::string text = "Zoë rang 07700 900123 on 3 March.";
  auto r = RedactText(text);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "[NAME] rang [PHONE] on [DATE].");
  ASSERT_EQ(r->findings.size(), 3u);
  for (const Finding& f : r->findings) {
    EXPECT_EQ(r->text.substr(f.redacted_begin, f.redacted_end - f.redacted_begin),
              Placeholder(f.type));
    EXPECT_FALSE(f.detector.empty());
  }
  // UTF-8 byte offsets: "Zoë" is four bytes.
  EXPECT_EQ(r->findings[0].original_end, 4u);
  EXPECT_EQ(text.substr(r->findings[1].original_begin,
                        r->findings[1].original_end - r->findings[1].original_begin),
            "07700 900123");
  EXPECT_EQ(r->text.find("900123"), std::string::npos);
}

TEST(RedactTest, ThreadsShareTheDetectors) {
  const std::string text = "Dr Okafor saw Grace Brown on 3 March, call 07700 900123.";
  const std::string want = Redacted(text);
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 300; ++i) wrong[t] += RedactText(text)->text == want ? 0 : 1;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
  EXPECT_EQ(want, "Dr [NAME] saw [NAME] on [DATE], call [PHONE].");
}

TEST(RedactTest, OnlyTheRequestedTypesAreReplaced) {
  RedactOptions options;
  options.types = {IdentifierType::kPhone};
  auto r = RedactText("Sarah Jones, 07700 900123, 12 Church Street", options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "Sarah Jones, [PHONE], 12 Church Street");
  ASSERT_EQ(r->findings.size(), 1u);
  // Every detector still ran: the street is not taken for a name.
  options.types = {IdentifierType::kName};
  r = RedactText("Sarah Jones, 12 Church Street", options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->text, "[NAME], 12 Church Street");
}

TEST(RedactTest, RefusesOversizedAndInvalidInputNamingTheField) {
  auto too_big = RedactText(std::string(64 * 1024 + 1, 'a'));
  EXPECT_EQ(too_big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_big.status().message()), HasSubstr("text:"));
  auto too_long = RedactText(std::string(20001, 'a'));
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_long.status().message()), HasSubstr("characters"));
  for (const std::string& bad : {std::string("caf\xC3"), std::string("\xFF\xFE"),
                                 std::string("\xED\xA0\x80"), std::string("\xC0\xAF")}) {
    auto r = RedactText(bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("text: is not valid UTF-8"));
  }
  RedactOptions options;
  options.field = "contribution.text";
  EXPECT_THAT(std::string(RedactText("\xFF", options).status().message()),
              HasSubstr("contribution.text"));
  // Exactly at the limits is fine, as is nothing at all.
  EXPECT_TRUE(RedactText(std::string(20000, 'a')).ok());
  EXPECT_TRUE(RedactText("").ok());
}

}  // namespace
}  // namespace bridging::privacy
