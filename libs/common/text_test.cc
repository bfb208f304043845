// Tests text checks and the identifier screens.
#include "libs/common/text.h"

#include "gtest/gtest.h"

namespace bridging {
namespace {

TextLimits Limits(size_t max_chars, bool required = false, bool newlines = false) {
  TextLimits limits;
  limits.max_chars = max_chars;
  limits.required = required;
  limits.allow_newlines = newlines;
  return limits;
}

TEST(TextTest, Limits) {
  EXPECT_TRUE(CheckText("f", "hello", {}).ok());
  EXPECT_EQ(CheckText("f", "", Limits(5, true)).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckText("f", "", {}).ok());
  EXPECT_FALSE(CheckText("f", "abcdef", Limits(5)).ok());
  // Five code points of two bytes each fit in max_chars 5.
  EXPECT_TRUE(CheckText("f", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", Limits(5)).ok());
}

TEST(TextTest, RejectsBadUtf8AndControls) {
  EXPECT_FALSE(CheckText("f", "\xff\xfe", {}).ok());
  EXPECT_FALSE(CheckText("f", "\xc0\xaf", {}).ok());      // overlong
  EXPECT_FALSE(CheckText("f", "\xed\xa0\x80", {}).ok());  // surrogate
  EXPECT_FALSE(CheckText("f", std::string("a\0b", 3), {}).ok());
  EXPECT_FALSE(CheckText("f", "two\nlines", {}).ok());
  EXPECT_TRUE(CheckText("f", "two\nlines", Limits(100, false, true)).ok());
  const absl::Status s = CheckText("participant.alias", "\xff", {});
  EXPECT_NE(s.message().find("participant.alias"), std::string::npos);
}

TEST(TextTest, NhsNumbers) {
  EXPECT_TRUE(ContainsNhsNumber("9434765919"));
  EXPECT_TRUE(ContainsNhsNumber("ref 943 476 5919 here"));
  EXPECT_TRUE(ContainsNhsNumber("943-476-5919"));
  EXPECT_FALSE(ContainsNhsNumber("9434765918"));  // bad check digit
  EXPECT_FALSE(ContainsNhsNumber("CR-2024-017"));
}

TEST(TextTest, EmailsAndPhones) {
  EXPECT_TRUE(ContainsEmail("write to jo.bloggs@example.org please"));
  EXPECT_FALSE(ContainsEmail("meet @ the hub"));
  EXPECT_FALSE(ContainsEmail("a@b"));
  EXPECT_TRUE(ContainsPhoneNumber("07700 900123"));
  EXPECT_TRUE(ContainsPhoneNumber("call 020 7946 0958"));
  EXPECT_TRUE(ContainsPhoneNumber("+44 7700 900123"));
  EXPECT_FALSE(ContainsPhoneNumber("CR-2024-0017"));
}

TEST(TextTest, RejectPersonalIdentifiersNamesField) {
  const absl::Status s = RejectPersonalIdentifiers("participant.charity_reference", "943 476 5919");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("participant.charity_reference"), std::string::npos);
  EXPECT_TRUE(RejectPersonalIdentifiers("f", "Sunflower").ok());
}

}  // namespace
}  // namespace bridging
