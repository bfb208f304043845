// Tests of the text <-> protobuf field conversions bridgectl's options rely on.
#include "scripts/bridgectl/proto_text.h"

#include "bridging/actions/v1/actions.pb.h"
#include "bridging/analytics/v1/analytics.pb.h"
#include "bridging/consent/v1/consent.pb.h"
#include "bridging/gateway/v1/admin.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/proto_time.h"

namespace bridging::bridgectl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kNow = absl::FromUnixSeconds(1795000000);  // 2026-11-18

TEST(ProtoTextTest, EnumShortNamesDropTheTypePrefix) {
  EXPECT_EQ(
      EnumShortName(*consent::v1::Purpose_descriptor()->FindValueByName("PURPOSE_RESEARCH_USE")),
      "research-use");
  EXPECT_EQ(EnumShortName(
                *gateway::v1::ApiKeyState_descriptor()->FindValueByName("API_KEY_STATE_REVOKED")),
            "revoked");
  EXPECT_EQ(EnumShortName(*common::v1::Role_descriptor()->FindValueByName("ROLE_CHARITY")),
            "charity");
}

TEST(ProtoTextTest, EnumsAcceptShortFullAndSpacedForms) {
  for (const char* text :
       {"research-use", "RESEARCH_USE", "Research use", "PURPOSE_RESEARCH_USE"}) {
    auto value = ParseEnum(*consent::v1::Purpose_descriptor(), text);
    ASSERT_TRUE(value.ok()) << text;
    EXPECT_EQ((*value)->number(), consent::v1::PURPOSE_RESEARCH_USE) << text;
  }
}

TEST(ProtoTextTest, UnknownEnumListsTheChoicesButNeverUnspecified) {
  auto value = ParseEnum(*consent::v1::Purpose_descriptor(), "marketing");
  ASSERT_FALSE(value.ok());
  const std::string message(value.status().message());
  EXPECT_THAT(message, HasSubstr("research-use"));
  EXPECT_THAT(message, Not(HasSubstr("unspecified")));
  EXPECT_FALSE(ParseEnum(*consent::v1::Purpose_descriptor(), "unspecified").ok());
}

TEST(ProtoTextTest, SetsNestedRepeatedAndScalarFields) {
  consent::v1::SubmitContributionRequest request;
  ASSERT_TRUE(
      SetField(request, "contribution.themes", "safety, peer-support", "--theme", kNow).ok());
  ASSERT_TRUE(
      SetField(request, "contribution.themes", "empowerment-voice-choice", "--theme", kNow).ok());
  ASSERT_TRUE(SetField(request, "contribution.occurred_on", "2026-11-03", "--occurred", kNow).ok());
  ASSERT_TRUE(SetField(request, "parent", "charities/x/participants/y", "P", kNow).ok());
  EXPECT_EQ(request.contribution().themes_size(), 3);
  EXPECT_EQ(request.contribution().themes(2), common::v1::PRINCIPLE_EMPOWERMENT_VOICE_CHOICE);
  EXPECT_EQ(request.contribution().occurred_on().day(), 3);
  EXPECT_EQ(request.parent(), "charities/x/participants/y");
}

TEST(ProtoTextTest, DatesAreStrict) {
  actions::v1::CreateActionRequest request;
  EXPECT_TRUE(SetField(request, "action.due_date", "2027-02-28", "--due", kNow).ok());
  ASSERT_TRUE(SetField(request, "action.due_date", "+14d", "--due", kNow).ok());
  EXPECT_EQ(request.action().due_date().day(), 2);  // 2026-11-18 + 14 days
  EXPECT_EQ(request.action().due_date().month(), 12);
  ASSERT_TRUE(SetField(request, "action.due_date", "-18d", "--due", kNow).ok());
  EXPECT_EQ(request.action().due_date().month(), 10);
  EXPECT_EQ(request.action().due_date().day(), 31);
  for (const char* bad : {"2027-02-30", "28/02/2027", "2027-2-28", "soon", "", "+d", "+5w"}) {
    absl::Status status = SetField(request, "action.due_date", bad, "--due", kNow);
    EXPECT_TRUE(absl::IsInvalidArgument(status)) << bad;
    EXPECT_THAT(std::string(status.message()), HasSubstr("--due")) << bad;
  }
  analytics::v1::QueryRequest query;
  ASSERT_TRUE(SetField(query, "from_month", "2026-01", "--from", kNow).ok());
  EXPECT_EQ(query.from_month().month(), 1);
  EXPECT_EQ(query.from_month().day(), 0);
  ASSERT_TRUE(SetField(query, "to_month", "today", "--to", kNow).ok());
  EXPECT_EQ(query.to_month().year(), 2026);
}

TEST(ProtoTextTest, TimesAcceptAbsoluteAndRelativeForms) {
  gateway::v1::CreateApiKeyRequest request;
  ASSERT_TRUE(SetField(request, "api_key.expire_time", "90d", "--expires", kNow).ok());
  EXPECT_EQ(FromTimestamp(request.api_key().expire_time()), kNow + absl::Hours(24 * 90));
  ASSERT_TRUE(
      SetField(request, "api_key.expire_time", "2027-01-01T10:00:00Z", "--expires", kNow).ok());
  EXPECT_EQ(absl::ToUnixSeconds(FromTimestamp(request.api_key().expire_time())), 1798797600);
  gateway::v1::ListAuditEventsRequest audit;
  ASSERT_TRUE(SetField(audit, "start_time", "-24h", "--since", kNow).ok());
  EXPECT_EQ(FromTimestamp(audit.start_time()), kNow - absl::Hours(24));
  for (const char* bad : {"d", "90x", "tomorrow", "-", "99999999999d"}) {
    EXPECT_TRUE(absl::IsInvalidArgument(SetField(audit, "start_time", bad, "--since", kNow)))
        << bad;
  }
}

TEST(ProtoTextTest, NumbersAndBooleansAreChecked) {
  consent::v1::ListParticipantsRequest list;
  EXPECT_TRUE(SetField(list, "page_size", "50", "--page-size", kNow).ok());
  EXPECT_TRUE(absl::IsInvalidArgument(SetField(list, "page_size", "3000000000", "x", kNow)));
  EXPECT_TRUE(absl::IsInvalidArgument(SetField(list, "page_size", "ten", "x", kNow)));
  actions::v1::CreateActionRequest action;
  EXPECT_TRUE(SetField(action, "action.co_produced", "yes", "--co-produced", kNow).ok());
  EXPECT_TRUE(action.action().co_produced());
  EXPECT_TRUE(absl::IsInvalidArgument(SetField(action, "action.co_produced", "maybe", "x", kNow)));
}

TEST(ProtoTextTest, FieldMasksAreCommaLists) {
  actions::v1::UpdateActionRequest update;
  ASSERT_TRUE(SetField(update, "update_mask", "status, due_date", "mask", kNow).ok());
  ASSERT_EQ(update.update_mask().paths_size(), 2);
  EXPECT_EQ(update.update_mask().paths(1), "due_date");
}

TEST(ProtoTextTest, FieldTextFormatsForPeople) {
  consent::v1::ConsentRecord record;
  record.set_purpose(consent::v1::PURPOSE_QUOTATION);
  *record.mutable_given_time() = ToTimestamp(absl::FromUnixSeconds(1795000000));
  record.mutable_review_date()->set_year(2027);
  record.mutable_review_date()->set_month(5);
  record.mutable_review_date()->set_day(1);
  EXPECT_EQ(FieldText(record, "purpose"), "quotation");
  EXPECT_EQ(FieldText(record, "given_time"), "2026-11-18 11:06 UTC");
  EXPECT_EQ(FieldText(record, "review_date"), "2027-05-01");
  EXPECT_EQ(FieldText(record, "withdraw_time"), "");  // unset stays empty
  EXPECT_EQ(FieldText(record, "state"), "");          // UNSPECIFIED is shown as nothing
  consent::v1::PurposeStatus status;
  *status.mutable_record() = record;
  EXPECT_EQ(FieldText(status, "record.purpose"), "quotation");
  EXPECT_EQ(FieldText(status, "no_such.field"), "");
  consent::v1::WithdrawalReceipt receipt;
  receipt.add_purposes(consent::v1::PURPOSE_RESEARCH_USE);
  receipt.add_purposes(consent::v1::PURPOSE_QUOTATION);
  EXPECT_EQ(FieldText(receipt, "purposes"), "research-use, quotation");
}

}  // namespace
}  // namespace bridging::bridgectl
