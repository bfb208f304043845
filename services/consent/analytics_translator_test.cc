// Unit tests of ConsentTranslator: every outbox kind, and that no free text leaks.
#include "services/consent/analytics_translator.h"

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "libs/common/proto_time.h"
#include "services/consent/participant_store.h"

namespace bridging::consent {
namespace {

using analytics::v1::Event;

constexpr char kParticipant[] = "charities/sunflower/participants/p1";
constexpr char kContribution[] = "charities/sunflower/participants/p1/contributions/c1";

google::protobuf::Timestamp March2025() {
  return ToTimestamp(
      absl::FromCivil(absl::CivilSecond(2025, 3, 14, 10, 0, 0), absl::UTCTimeZone()));
}

outbox::OutboxEntry Entry(const std::string& kind, const std::string& subject,
                          const google::protobuf::Message& payload) {
  return {"1700000000000-0", 7, kind, subject, payload.SerializeAsString()};
}

std::optional<Event> Translate(const outbox::OutboxEntry& entry) {
  absl::StatusOr<std::optional<Event>> event = ConsentTranslator().Translate(entry);
  EXPECT_TRUE(event.ok()) << event.status();
  return event.ok() ? *event : std::nullopt;
}

v1::Contribution Note() {
  v1::Contribution c;
  c.set_name(kContribution);
  c.set_source_type(v1::SOURCE_TYPE_INTERVIEW);
  c.set_text("Sarah at reception was kind to me");
  c.add_themes(common::v1::PRINCIPLE_SAFETY);
  c.add_themes(common::v1::PRINCIPLE_EMPOWERMENT_VOICE_CHOICE);
  c.mutable_occurred_on()->set_year(2025);
  c.mutable_occurred_on()->set_month(2);
  c.mutable_occurred_on()->set_day(11);
  c.set_practice("practices/riverside");
  c.set_state(v1::CONTRIBUTION_STATE_ACTIVE);
  *c.mutable_create_time() = March2025();
  *c.mutable_share_time() = March2025();
  return c;
}

TEST(ConsentTranslatorTest, ParticipantCreatedAndUnknownKindsProduceNoEvent) {
  v1::ConsentHistoryEntry created;
  created.set_type(v1::HISTORY_EVENT_TYPE_PARTICIPANT_CREATED);
  created.set_subject(kParticipant);
  EXPECT_FALSE(Translate(Entry(kinds::kParticipantCreated, kParticipant, created)).has_value());
  EXPECT_FALSE(Translate(Entry("participant.renamed", kParticipant, created)).has_value());
}

TEST(ConsentTranslatorTest, ConsentGiven) {
  v1::ConsentHistoryEntry given;
  given.set_type(v1::HISTORY_EVENT_TYPE_CONSENT_GIVEN);
  given.add_purposes(v1::PURPOSE_RESEARCH_USE);
  given.set_recorded_by_role("support worker");
  given.set_subject(absl::StrCat(kParticipant, "/consents/r1"));
  *given.mutable_event_time() = March2025();
  auto event = Translate(Entry(kinds::kConsentGiven, given.subject(), given));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->kind(), analytics::v1::EVENT_KIND_CONSENT_GIVEN);
  EXPECT_EQ(event->consent().participant(), kParticipant);  // pseudonymised by the publisher
  ASSERT_EQ(event->consent().purposes_size(), 1);
  EXPECT_EQ(event->consent().purposes(0), v1::PURPOSE_RESEARCH_USE);
  EXPECT_EQ(event->consent().state(), v1::CONSENT_STATE_GIVEN);
  EXPECT_EQ(event->consent().month().year(), 2025);
  EXPECT_EQ(event->consent().month().month(), 3);
  EXPECT_EQ(event->consent().month().day(), 0);
  EXPECT_EQ(event->event_time().seconds(), March2025().seconds());
  EXPECT_FALSE(absl::StrContains(event->SerializeAsString(), "support worker"));
}

TEST(ConsentTranslatorTest, ConsentWithdrawnWithAndWithoutPurposes) {
  v1::WithdrawalReceipt receipt;
  receipt.set_name(absl::StrCat(kParticipant, "/withdrawals/w1"));
  receipt.set_participant(kParticipant);
  receipt.add_purposes(v1::PURPOSE_RESEARCH_USE);
  receipt.add_purposes(v1::PURPOSE_QUOTATION);
  receipt.add_already_inactive_purposes(v1::PURPOSE_CONTACT);
  *receipt.mutable_withdraw_time() = March2025();
  auto event = Translate(Entry(kinds::kConsentWithdrawn, receipt.name(), receipt));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->kind(), analytics::v1::EVENT_KIND_CONSENT_WITHDRAWN);
  EXPECT_EQ(event->consent().participant(), kParticipant);
  EXPECT_EQ(event->consent().purposes_size(), 2);
  EXPECT_EQ(event->consent().state(), v1::CONSENT_STATE_WITHDRAWN);
  EXPECT_FALSE(event->consent().erase());
  EXPECT_EQ(event->consent().month().month(), 3);

  // Erasure only: every purpose was inactive already, the erase still has to reach analytics.
  receipt.clear_purposes();
  receipt.clear_participant();  // an older receipt: the participant comes from its name
  receipt.set_erasure_requested(true);
  event = Translate(Entry(kinds::kConsentWithdrawn, receipt.name(), receipt));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->consent().participant(), kParticipant);
  EXPECT_EQ(event->consent().purposes_size(), 0);
  EXPECT_TRUE(event->consent().erase());
}

TEST(ConsentTranslatorTest, ContributionSubmittedIsSharedWithoutItsText) {
  auto event = Translate(Entry(kinds::kContributionSubmitted, kContribution, Note()));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->kind(), analytics::v1::EVENT_KIND_CONTRIBUTION_SHARED);
  const auto& c = event->contribution();
  EXPECT_EQ(c.participant(), kParticipant);
  EXPECT_EQ(c.contribution(), kContribution);
  EXPECT_EQ(c.practice(), "practices/riverside");
  EXPECT_EQ(c.source_type(), v1::SOURCE_TYPE_INTERVIEW);
  EXPECT_EQ(c.themes_size(), 2);
  EXPECT_EQ(c.month().year(), 2025);
  EXPECT_EQ(c.month().month(), 2);  // when it occurred, not when it was recorded
  EXPECT_EQ(c.month().day(), 0);
  EXPECT_TRUE(c.redacted_text().empty());
  EXPECT_FALSE(absl::StrContains(event->SerializeAsString(), "Sarah"));

  v1::Contribution no_practice = Note();
  no_practice.clear_practice();
  event = Translate(Entry(kinds::kContributionSubmitted, kContribution, no_practice));
  ASSERT_TRUE(event.has_value());
  EXPECT_TRUE(event->contribution().practice().empty());
}

TEST(ConsentTranslatorTest, RetractedQuotedAndErasedContributions) {
  v1::Contribution retracted = Note();
  retracted.set_state(v1::CONTRIBUTION_STATE_RETRACTED);
  auto event = Translate(Entry(kinds::kContributionRetracted, kContribution, retracted));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->kind(), analytics::v1::EVENT_KIND_CONTRIBUTION_RETRACTED);
  EXPECT_EQ(event->contribution().contribution(), kContribution);
  EXPECT_TRUE(event->contribution().redacted_text().empty());

  v1::Contribution quoted = Note();
  quoted.set_approved_quote("Reception was kind to me");
  *quoted.mutable_quote_approve_time() = March2025();
  event = Translate(Entry(kinds::kQuoteApproved, kContribution, quoted));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->kind(), analytics::v1::EVENT_KIND_QUOTE_APPROVED);
  EXPECT_EQ(event->contribution().redacted_text(), "Reception was kind to me");
  EXPECT_FALSE(absl::StrContains(event->SerializeAsString(), "Sarah"));  // never the text

  v1::Contribution erased = Note();
  erased.set_state(v1::CONTRIBUTION_STATE_ERASED);
  erased.clear_text();
  erased.clear_themes();
  for (const char* kind : {"contribution.erased", kinds::kContributionRetracted}) {
    event = Translate(Entry(kind, kContribution, erased));
    ASSERT_TRUE(event.has_value()) << kind;
    EXPECT_EQ(event->kind(), analytics::v1::EVENT_KIND_CONTRIBUTION_ERASED) << kind;
    EXPECT_EQ(event->contribution().contribution(), kContribution);
  }

  // A contribution change analytics does not count.
  EXPECT_FALSE(Translate(Entry("contribution.relabelled", kContribution, Note())).has_value());
}

TEST(ConsentTranslatorTest, UnreadableEntriesAreErrorsNotSilence) {
  ConsentTranslator translator;
  outbox::OutboxEntry corrupt{"1-0", 3, kinds::kConsentGiven, "x", "\xff\xff\xff"};
  EXPECT_FALSE(translator.Translate(corrupt).ok());
  v1::ConsentHistoryEntry stray;
  stray.add_purposes(v1::PURPOSE_CONTACT);
  stray.set_subject("not-a-record-name");
  EXPECT_FALSE(translator.Translate(Entry(kinds::kConsentGiven, "x", stray)).ok());
  v1::Contribution unquoted = Note();
  EXPECT_FALSE(translator.Translate(Entry(kinds::kQuoteApproved, kContribution, unquoted)).ok());
}

}  // namespace
}  // namespace bridging::consent
