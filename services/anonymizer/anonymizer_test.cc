// Unit tests of the anonymizer's domain layer: request validation that names the contract's
// fields, including inputs gRPC clients cannot easily send (invalid UTF-8).
#include "services/anonymizer/anonymizer.h"

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bridging::anonymizer {
namespace {

using ::testing::HasSubstr;

Anonymizer Make() {
  return Anonymizer(*privacy::KeyRing::Parse("k3:" + absl::Base64Escape(std::string(32, 'z'))));
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(AnonymizerTest, PseudonymizeValidatesIdentifiers) {
  const Anonymizer a = Make();
  EXPECT_EQ(a.key_version(), "k3");
  v1::PseudonymizeRequest request;
  request.set_domain("participant");
  EXPECT_THAT(Message(a.Pseudonymize(request).status()), HasSubstr("identifiers:"));
  for (int i = 0; i < 1001; ++i) request.add_identifiers("x");
  EXPECT_THAT(Message(a.Pseudonymize(request).status()), HasSubstr("identifiers:"));
  request.clear_identifiers();
  request.add_identifiers("ok");
  request.add_identifiers("");
  EXPECT_THAT(Message(a.Pseudonymize(request).status()), HasSubstr("identifiers[1]"));
  request.set_identifiers(1, std::string(257, 'x'));
  EXPECT_THAT(Message(a.Pseudonymize(request).status()), HasSubstr("identifiers[1]"));
  request.set_identifiers(1, std::string(256, 'x'));
  auto ok = a.Pseudonymize(request);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->key_version(), "k3");
  EXPECT_EQ(ok->pseudonyms(1).size(), 64u);
}

TEST(AnonymizerTest, RedactTextValidatesTextAndTypes) {
  const Anonymizer a = Make();
  v1::RedactTextRequest request;
  request.set_text("caf\xC3");
  auto bad = a.RedactText(request);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(bad.status()), HasSubstr("text: is not valid UTF-8"));
  request.set_text("hello");
  request.add_types(v1::FINDING_TYPE_UNSPECIFIED);
  EXPECT_THAT(Message(a.RedactText(request).status()), HasSubstr("types[0]"));
  request.set_types(0, static_cast<v1::FindingType>(42));
  EXPECT_THAT(Message(a.RedactText(request).status()), HasSubstr("types[0]"));
}

TEST(AnonymizerTest, GeneralizeLeavesUnsetFieldsEmpty) {
  const Anonymizer a = Make();
  v1::GeneralizeRequest request;
  request.mutable_record()->set_postcode("not a postcode");
  auto r = a.Generalize(request);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->record().age_band(), "");
  EXPECT_EQ(r->record().postcode_district(), "");
  EXPECT_FALSE(r->record().has_month());
  request.mutable_record()->mutable_date()->set_year(2023);
  request.mutable_record()->mutable_date()->set_month(2);
  request.mutable_record()->mutable_date()->set_day(30);
  EXPECT_THAT(Message(a.Generalize(request).status()), HasSubstr("record.date"));
}

}  // namespace
}  // namespace bridging::anonymizer
