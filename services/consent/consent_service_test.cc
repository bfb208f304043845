// Integration tests of the consent service: real redis-server, real gRPC over loopback.
#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "libs/store/atomic_write.h"
#include "libs/testing/probes.h"
#include "services/consent/consent_fixture.h"
#include "services/consent/participant_store.h"

namespace bridging::consent {
namespace {

using grpc::StatusCode;
using grpc::health::v1::HealthCheckResponse;

class ConsentServiceTest : public ConsentFixture {
 protected:
  v1::ConsentStatus Status(const std::string& participant) {
    v1::GetConsentStatusRequest request;
    request.set_participant(participant);
    v1::ConsentStatus status;
    EXPECT_TRUE(consent_->GetConsentStatus(AsCharity().get(), request, &status).ok());
    return status;
  }
  grpc::Status Withdraw(const std::string& participant, std::vector<v1::Purpose> purposes,
                        bool erase, v1::WithdrawalReceipt* receipt,
                        const std::string& request_id = "") {
    v1::WithdrawConsentRequest request;
    request.set_participant(participant);
    for (auto p : purposes) request.add_purposes(p);
    request.set_erase_contributions(erase);
    request.set_request_id(request_id);
    request.set_recorded_by_role("support worker");
    return consent_->WithdrawConsent(AsCharity().get(), request, receipt);
  }
  grpc::Status Submit(const std::string& participant, const std::string& text,
                      v1::Contribution* out) {
    v1::SubmitContributionRequest request;
    request.set_parent(participant);
    request.mutable_contribution()->set_source_type(v1::SOURCE_TYPE_REFLECTIVE_NOTE);
    request.mutable_contribution()->set_text(text);
    request.mutable_contribution()->add_themes(common::v1::PRINCIPLE_SAFETY);
    return contributions_->SubmitContribution(AsCharity().get(), request, out);
  }
  int64_t Watermark() {
    v1::ConsentWatermark watermark;
    EXPECT_TRUE(consent_
                    ->GetConsentWatermark(As("services/analytics", common::v1::ROLE_SERVICE).get(),
                                          {}, &watermark)
                    .ok());
    return watermark.sequence();
  }
  std::vector<v1::ConsentHistoryEntry> History(const std::string& participant) {
    v1::ListConsentHistoryRequest request;
    request.set_participant(participant);
    v1::ListConsentHistoryResponse response;
    EXPECT_TRUE(consent_->ListConsentHistory(AsCharity().get(), request, &response).ok());
    return {response.entries().begin(), response.entries().end()};
  }
};

TEST_F(ConsentServiceTest, WholeLifeCycle) {
  const std::string p = NewParticipant("CR-0001");
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p.rfind("charities/sunflower/participants/", 0), 0u);
  for (auto purpose :
       {v1::PURPOSE_GROUP_PARTICIPATION, v1::PURPOSE_RESEARCH_USE, v1::PURPOSE_QUOTATION}) {
    EXPECT_EQ(Give(p, purpose).state(), v1::CONSENT_STATE_GIVEN);
  }
  v1::ConsentStatus status = Status(p);
  ASSERT_EQ(status.purposes_size(), 5);
  EXPECT_EQ(status.purposes(1).purpose(), v1::PURPOSE_RESEARCH_USE);
  EXPECT_EQ(status.purposes(1).state(), v1::CONSENT_STATE_GIVEN);
  EXPECT_EQ(status.purposes(3).state(), v1::CONSENT_STATE_NOT_GIVEN);

  v1::Contribution note;
  ASSERT_TRUE(Submit(p, "The receptionist let me wait somewhere quiet.", &note).ok());
  EXPECT_EQ(note.state(), v1::CONTRIBUTION_STATE_ACTIVE);
  v1::ApproveQuoteRequest approve;
  approve.set_name(note.name());
  approve.set_quote("The receptionist let me wait somewhere quiet.");
  approve.set_etag(note.etag());
  v1::Contribution quoted;
  ASSERT_TRUE(contributions_->ApproveQuote(AsCharity().get(), approve, &quoted).ok());
  EXPECT_FALSE(quoted.approved_quote().empty());

  v1::CheckConsentRequest check;
  check.set_participant(p);
  check.set_purpose(v1::PURPOSE_RESEARCH_USE);
  v1::CheckConsentResponse checked;
  ASSERT_TRUE(consent_->CheckConsent(AsCharity().get(), check, &checked).ok());
  EXPECT_TRUE(checked.granted());

  const int64_t before = Watermark();
  v1::WithdrawalReceipt receipt;
  ASSERT_TRUE(Withdraw(p, {v1::PURPOSE_RESEARCH_USE}, false, &receipt).ok());
  EXPECT_EQ(receipt.purposes_size(), 1);
  EXPECT_EQ(receipt.sequence(), before + 1);
  EXPECT_EQ(Watermark(), before + 1);
  EXPECT_FALSE(receipt.analytics_applied());
  EXPECT_EQ(receipt.digest().size(), 64u);

  ASSERT_TRUE(consent_->CheckConsent(AsCharity().get(), check, &checked).ok());
  EXPECT_FALSE(checked.granted());
  EXPECT_EQ(checked.state(), v1::CONSENT_STATE_WITHDRAWN);
  EXPECT_EQ(checked.sequence(), receipt.sequence());

  // Withdrawn research consent: the note is withheld and new ones are refused.
  v1::ListContributionsRequest list;
  list.set_parent(p);
  v1::ListContributionsResponse listed;
  ASSERT_TRUE(contributions_->ListContributions(AsCharity().get(), list, &listed).ok());
  ASSERT_EQ(listed.contributions_size(), 1);
  EXPECT_EQ(listed.contributions(0).state(), v1::CONTRIBUTION_STATE_WITHHELD);
  v1::Contribution refused;
  EXPECT_EQ(Submit(p, "another note", &refused).error_code(), StatusCode::FAILED_PRECONDITION);

  // History: created, 3 given, withdrawn; chain verifies; receipt digest is in it.
  auto history = History(p);
  ASSERT_EQ(history.size(), 5u);
  EXPECT_EQ(history[4].type(), v1::HISTORY_EVENT_TYPE_CONSENT_WITHDRAWN);
  EXPECT_EQ(history[4].hash(), receipt.digest());
  EXPECT_EQ(history[4].sequence(), receipt.sequence());
  v1::VerifyConsentHistoryRequest verify;
  verify.set_participant(p);
  v1::VerifyConsentHistoryResponse verified;
  ASSERT_TRUE(consent_->VerifyConsentHistory(AsCharity().get(), verify, &verified).ok());
  EXPECT_TRUE(verified.valid()) << verified.problem();
  EXPECT_EQ(verified.entries_checked(), 5);

  // Erasure after withdrawal is still honoured.
  ASSERT_TRUE(Withdraw(p, {}, true, &receipt).ok());
  EXPECT_TRUE(receipt.erasure_requested());
  ASSERT_TRUE(contributions_->ListContributions(AsCharity().get(), list, &listed).ok());
  EXPECT_EQ(listed.contributions(0).state(), v1::CONTRIBUTION_STATE_ERASED);
  EXPECT_TRUE(listed.contributions(0).text().empty());

  v1::GetDataUseReportRequest report_request;
  report_request.set_participant(p);
  v1::DataUseReport report;
  ASSERT_TRUE(contributions_->GetDataUseReport(AsCharity().get(), report_request, &report).ok());
  EXPECT_EQ(report.consents_size(), 3);
  EXPECT_EQ(report.withdrawals_size(), 2);
  EXPECT_EQ(report.contributions_total(), 1);
  EXPECT_EQ(report.contributions_erased(), 1);
  EXPECT_GE(report.summary_size(), 4);
}

TEST_F(ConsentServiceTest, OutboxHasOneEventPerChangeInSequence) {
  const std::string p = NewParticipant("CR-0002");
  Give(p, v1::PURPOSE_RESEARCH_USE);
  v1::WithdrawalReceipt receipt;
  ASSERT_TRUE(Withdraw(p, {}, false, &receipt).ok());
  auto events = store_->Command({"XRANGE", keys::kOutbox, "-", "+"});
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->elements.size(), 3u);
  const std::vector<std::string> kinds = {"participant.created", "consent.given",
                                          "consent.withdrawn"};
  for (size_t i = 0; i < 3; ++i) {
    const auto& fields = events->elements[i].elements[1].elements;
    EXPECT_EQ(fields[1].str, absl::StrCat(i + 1));  // seq
    EXPECT_EQ(fields[3].str, kinds[i]);             // kind
  }
  EXPECT_EQ(Watermark(), 3);
}

TEST_F(ConsentServiceTest, IdempotentRetries) {
  v1::CreateParticipantRequest create;
  create.set_parent(kCharity);
  create.mutable_participant()->set_charity_reference("CR-0100");
  create.set_request_id("req-create-1");
  v1::Participant first, second;
  ASSERT_TRUE(consent_->CreateParticipant(AsCharity().get(), create, &first).ok());
  ASSERT_TRUE(consent_->CreateParticipant(AsCharity().get(), create, &second).ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(Watermark(), 1);

  // The same id for a different request is refused, naming request_id.
  create.mutable_participant()->set_charity_reference("CR-0101");
  grpc::Status reused = consent_->CreateParticipant(AsCharity().get(), create, &second);
  EXPECT_EQ(reused.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(reused.error_message().find("request_id"), std::string::npos);

  // Another charity's identical request_id is its own.
  v1::CreateParticipantRequest other = create;
  other.set_parent("charities/oak");
  v1::Participant theirs;
  ASSERT_TRUE(
      consent_
          ->CreateParticipant(As("charities/oak", common::v1::ROLE_CHARITY).get(), other, &theirs)
          .ok());

  Give(first.name(), v1::PURPOSE_CONTACT);
  v1::WithdrawalReceipt a, b;
  ASSERT_TRUE(Withdraw(first.name(), {}, false, &a, "req-withdraw-1").ok());
  const int64_t watermark = Watermark();
  ASSERT_TRUE(Withdraw(first.name(), {}, false, &b, "req-withdraw-1").ok());
  EXPECT_EQ(a.name(), b.name());
  EXPECT_EQ(a.sequence(), b.sequence());
  EXPECT_EQ(a.digest(), b.digest());
  EXPECT_EQ(Watermark(), watermark);
  EXPECT_EQ(History(first.name()).size(), 3u);
}

TEST_F(ConsentServiceTest, DuplicateReferenceIsAlreadyExists) {
  NewParticipant("CR-0200");
  v1::CreateParticipantRequest create;
  create.set_parent(kCharity);
  create.mutable_participant()->set_charity_reference("CR-0200");
  v1::Participant p;
  EXPECT_EQ(consent_->CreateParticipant(AsCharity().get(), create, &p).error_code(),
            StatusCode::ALREADY_EXISTS);
}

TEST_F(ConsentServiceTest, StaleEtagIsAborted) {
  const std::string p = NewParticipant("CR-0300");
  Give(p, v1::PURPOSE_RESEARCH_USE);
  v1::Contribution note;
  ASSERT_TRUE(Submit(p, "a note", &note).ok());
  v1::RetractContributionRequest retract;
  retract.set_name(note.name());
  retract.set_etag("stale");
  v1::Contribution out;
  EXPECT_EQ(contributions_->RetractContribution(AsCharity().get(), retract, &out).error_code(),
            StatusCode::ABORTED);
  retract.set_etag(note.etag());
  ASSERT_TRUE(contributions_->RetractContribution(AsCharity().get(), retract, &out).ok());
  EXPECT_EQ(out.state(), v1::CONTRIBUTION_STATE_RETRACTED);
  // The same (now stale) etag again: ABORTED, not a second retraction.
  EXPECT_EQ(contributions_->RetractContribution(AsCharity().get(), retract, &out).error_code(),
            StatusCode::ABORTED);

  // Two staff members act on the same consent status: exactly one wins.
  const std::string etag = Status(p).etag();
  std::atomic<int> ok{0}, aborted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      v1::RecordConsentRequest request;
      request.set_participant(p);
      request.set_purpose(v1::PURPOSE_CONTACT);
      request.set_method(v1::CONSENT_METHOD_VERBAL);
      request.set_recorded_by_role("support worker");
      request.set_etag(etag);
      v1::ConsentRecord record;
      const grpc::Status s = consent_->RecordConsent(AsCharity().get(), request, &record);
      if (s.ok()) ++ok;
      if (s.error_code() == StatusCode::ABORTED) ++aborted;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), 7);
}

TEST_F(ConsentServiceTest, PaginationCoversEveryParticipantOnce) {
  std::set<std::string> created;
  for (int i = 0; i < 25; ++i) created.insert(NewParticipant(absl::StrCat("CR-P", i)));
  std::set<std::string> seen;
  v1::ListParticipantsRequest request;
  request.set_parent(kCharity);
  request.set_page_size(10);
  int pages = 0;
  do {
    v1::ListParticipantsResponse response;
    ASSERT_TRUE(consent_->ListParticipants(AsCharity().get(), request, &response).ok());
    for (const auto& p : response.participants()) EXPECT_TRUE(seen.insert(p.name()).second);
    request.set_page_token(response.next_page_token());
    ++pages;
    if (pages == 1) NewParticipant("CR-late");  // inserted mid-listing: no repeats, no errors
  } while (!request.page_token().empty());
  EXPECT_GE(pages, 3);
  for (const auto& name : created) EXPECT_TRUE(seen.count(name)) << name;

  // A token is refused by another list.
  request.set_page_size(10);
  request.clear_page_token();
  v1::ListParticipantsResponse first;
  ASSERT_TRUE(consent_->ListParticipants(AsCharity().get(), request, &first).ok());
  v1::ListConsentHistoryRequest history;
  history.set_participant(*created.begin());
  history.set_page_token(first.next_page_token());
  v1::ListConsentHistoryResponse out;
  EXPECT_EQ(consent_->ListConsentHistory(AsCharity().get(), history, &out).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST_F(ConsentServiceTest, TamperedHistoryIsDetected) {
  const std::string p = NewParticipant("CR-0400");
  Give(p, v1::PURPOSE_RESEARCH_USE);
  Give(p, v1::PURPOSE_QUOTATION);
  v1::WithdrawalReceipt receipt;
  ASSERT_TRUE(Withdraw(p, {v1::PURPOSE_QUOTATION}, false, &receipt).ok());
  // Rewrite entry 2 directly in Redis: QUOTATION becomes CONTACT.
  auto raw = store_->Command({"LINDEX", keys::History(p), "2"});
  ASSERT_TRUE(raw.ok());
  int64_t sequence;
  absl::string_view bytes;
  ASSERT_TRUE(store::SplitSequenced(raw->str, &sequence, &bytes));
  v1::ConsentHistoryEntry entry;
  ASSERT_TRUE(entry.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
  entry.set_purposes(0, v1::PURPOSE_CONTACT);
  ASSERT_TRUE(store_
                  ->Command({"LSET", keys::History(p), "2",
                             absl::StrCat(sequence, ":", entry.SerializeAsString())})
                  .ok());
  v1::VerifyConsentHistoryRequest verify;
  verify.set_participant(p);
  v1::VerifyConsentHistoryResponse verified;
  ASSERT_TRUE(consent_->VerifyConsentHistory(AsCharity().get(), verify, &verified).ok());
  EXPECT_FALSE(verified.valid());
  EXPECT_EQ(verified.first_invalid_index(), 2);
  EXPECT_FALSE(verified.problem().empty());
}

TEST_F(ConsentServiceTest, CallersAreAuthenticatedAndConfinedToTheirCharity) {
  const std::string p = NewParticipant("CR-0500");
  v1::GetParticipantRequest get;
  get.set_name(p);
  v1::Participant out;

  grpc::ClientContext anonymous;
  EXPECT_EQ(consent_->GetParticipant(&anonymous, get, &out).error_code(),
            StatusCode::UNAUTHENTICATED);

  grpc::ClientContext forged;
  const auth::PrincipalCodec wrong_key(std::string(48, 'x'));
  wrong_key.Attach({kCharity, common::v1::ROLE_CHARITY}, &forged);
  EXPECT_EQ(consent_->GetParticipant(&forged, get, &out).error_code(), StatusCode::UNAUTHENTICATED);

  auto other = As("charities/oak", common::v1::ROLE_CHARITY);
  const grpc::Status denied = consent_->GetParticipant(other.get(), get, &out);
  EXPECT_EQ(denied.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(out.charity_reference(), "");  // nothing leaked

  EXPECT_EQ(
      consent_->GetParticipant(As("researchers/t", common::v1::ROLE_RESEARCHER).get(), get, &out)
          .error_code(),
      StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(consent_->GetParticipant(As("practices/p", common::v1::ROLE_PRACTICE).get(), get, &out)
                .error_code(),
            StatusCode::PERMISSION_DENIED);
  // Operators manage keys, not data.
  EXPECT_EQ(
      consent_->GetParticipant(As("charities/sunflower", common::v1::ROLE_ADMIN).get(), get, &out)
          .error_code(),
      StatusCode::PERMISSION_DENIED);

  // Withdrawal on another charity's participant is denied and changes nothing.
  v1::WithdrawConsentRequest withdraw;
  withdraw.set_participant(p);
  v1::WithdrawalReceipt receipt;
  EXPECT_EQ(
      consent_
          ->WithdrawConsent(As("charities/oak", common::v1::ROLE_CHARITY).get(), withdraw, &receipt)
          .error_code(),
      StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(History(p).size(), 1u);
}

TEST_F(ConsentServiceTest, BadInputIsRefusedNamingTheField) {
  auto expect_invalid = [](const grpc::Status& s, const std::string& field) {
    EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT) << s.error_message();
    EXPECT_NE(s.error_message().find(field), std::string::npos) << s.error_message();
  };
  v1::CreateParticipantRequest create;
  create.set_parent(kCharity);
  v1::Participant p;
  expect_invalid(consent_->CreateParticipant(AsCharity().get(), create, &p),
                 "participant.charity_reference");
  create.mutable_participant()->set_charity_reference("943 476 5919");
  expect_invalid(consent_->CreateParticipant(AsCharity().get(), create, &p),
                 "participant.charity_reference");
  create.mutable_participant()->set_charity_reference("CR-9");
  create.mutable_participant()->set_alias("jo@example.org");
  expect_invalid(consent_->CreateParticipant(AsCharity().get(), create, &p), "participant.alias");
  create.mutable_participant()->set_alias(std::string(65, 'a'));
  expect_invalid(consent_->CreateParticipant(AsCharity().get(), create, &p), "participant.alias");
  // Invalid UTF-8 cannot cross gRPC (protobuf refuses it); the domain check stands behind
  // it for other front doors such as the gateway's JSON.
  create.mutable_participant()->set_alias("\xff\xfe");
  const absl::Status bad_utf8 =
      consent_manager_->CreateParticipant(create, {kCharity, common::v1::ROLE_CHARITY}).status();
  EXPECT_EQ(bad_utf8.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_utf8.message().find("participant.alias"), std::string::npos);
  create.mutable_participant()->clear_alias();
  create.set_request_id("no spaces allowed");
  expect_invalid(consent_->CreateParticipant(AsCharity().get(), create, &p), "request_id");

  const std::string participant = NewParticipant("CR-0600");
  v1::RecordConsentRequest record;
  record.set_participant(participant);
  record.set_method(v1::CONSENT_METHOD_WRITTEN);
  record.set_recorded_by_role("support worker");
  v1::ConsentRecord r;
  expect_invalid(consent_->RecordConsent(AsCharity().get(), record, &r), "purpose");
  record.set_purpose(static_cast<v1::Purpose>(42));
  expect_invalid(consent_->RecordConsent(AsCharity().get(), record, &r), "purpose");
  record.set_purpose(v1::PURPOSE_CONTACT);
  record.mutable_review_date()->set_year(2020);
  record.mutable_review_date()->set_month(1);
  record.mutable_review_date()->set_day(1);
  expect_invalid(consent_->RecordConsent(AsCharity().get(), record, &r), "review_date");
  record.mutable_review_date()->set_year(2030);
  record.mutable_review_date()->set_month(2);
  record.mutable_review_date()->set_day(30);
  expect_invalid(consent_->RecordConsent(AsCharity().get(), record, &r), "review_date");
  record.clear_review_date();
  record.set_recorded_by_role("");
  expect_invalid(consent_->RecordConsent(AsCharity().get(), record, &r), "recorded_by_role");

  Give(participant, v1::PURPOSE_RESEARCH_USE);
  v1::Contribution c;
  expect_invalid(Submit(participant, "", &c), "contribution.text");
  expect_invalid(Submit(participant, std::string(20001, 'x'), &c), "contribution.text");

  // Unknown participant: NOT_FOUND; malformed name: INVALID_ARGUMENT.
  record.set_recorded_by_role("support worker");
  record.set_participant("charities/sunflower/participants/nobody");
  EXPECT_EQ(consent_->RecordConsent(AsCharity().get(), record, &r).error_code(),
            StatusCode::NOT_FOUND);
  record.set_participant("charities/sunflower/people/x");
  expect_invalid(consent_->RecordConsent(AsCharity().get(), record, &r), "participant");
}

TEST_F(ConsentServiceTest, WithdrawingWhatWasNeverGivenIsAnsweredClearly) {
  const std::string p = NewParticipant("CR-0700");
  v1::WithdrawalReceipt receipt;
  const grpc::Status none = Withdraw(p, {v1::PURPOSE_QUOTATION}, false, &receipt);
  EXPECT_EQ(none.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(none.error_message().find("PURPOSE_QUOTATION"), std::string::npos);
  EXPECT_EQ(History(p).size(), 1u);
  // Partly active: the active purpose is withdrawn, the other reported as already inactive.
  Give(p, v1::PURPOSE_CONTACT);
  ASSERT_TRUE(Withdraw(p, {v1::PURPOSE_CONTACT, v1::PURPOSE_QUOTATION}, false, &receipt).ok());
  ASSERT_EQ(receipt.purposes_size(), 1);
  EXPECT_EQ(receipt.purposes(0), v1::PURPOSE_CONTACT);
  ASSERT_EQ(receipt.already_inactive_purposes_size(), 1);
  EXPECT_EQ(receipt.already_inactive_purposes(0), v1::PURPOSE_QUOTATION);
}

TEST_F(ConsentServiceTest, QuotesNeedQuotationConsent) {
  const std::string p = NewParticipant("CR-0800");
  Give(p, v1::PURPOSE_RESEARCH_USE);
  v1::Contribution note;
  ASSERT_TRUE(Submit(p, "Words worth quoting.", &note).ok());
  v1::ApproveQuoteRequest approve;
  approve.set_name(note.name());
  approve.set_quote("Words worth quoting.");
  v1::Contribution out;
  EXPECT_EQ(contributions_->ApproveQuote(AsCharity().get(), approve, &out).error_code(),
            StatusCode::FAILED_PRECONDITION);
  Give(p, v1::PURPOSE_QUOTATION);
  approve.set_quote("Call me on 07700 900123");
  EXPECT_EQ(contributions_->ApproveQuote(AsCharity().get(), approve, &out).error_code(),
            StatusCode::INVALID_ARGUMENT);
  approve.set_quote("Words worth quoting.");
  EXPECT_TRUE(contributions_->ApproveQuote(AsCharity().get(), approve, &out).ok());
}

TEST_F(ConsentServiceTest, ReviewDatesAreListed) {
  const std::string p = NewParticipant("CR-0900");
  v1::RecordConsentRequest record;
  record.set_participant(p);
  record.set_purpose(v1::PURPOSE_GROUP_PARTICIPATION);
  record.set_method(v1::CONSENT_METHOD_VERBAL);
  record.set_recorded_by_role("support worker");
  const absl::CivilDay soon = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + 10;
  record.mutable_review_date()->set_year(static_cast<int>(soon.year()));
  record.mutable_review_date()->set_month(soon.month());
  record.mutable_review_date()->set_day(soon.day());
  v1::ConsentRecord given;
  ASSERT_TRUE(consent_->RecordConsent(AsCharity().get(), record, &given).ok());
  Give(p, v1::PURPOSE_CONTACT);  // reviewed in a year

  v1::ListDueForReviewRequest due;
  due.set_parent(kCharity);
  const absl::CivilDay in_a_month = soon + 20;
  due.mutable_before()->set_year(static_cast<int>(in_a_month.year()));
  due.mutable_before()->set_month(in_a_month.month());
  due.mutable_before()->set_day(in_a_month.day());
  v1::ListDueForReviewResponse listed;
  ASSERT_TRUE(consent_->ListDueForReview(AsCharity().get(), due, &listed).ok());
  ASSERT_EQ(listed.consents_size(), 1);
  EXPECT_EQ(listed.consents(0).name(), given.name());
  // Re-confirming replaces the entry; withdrawing removes it.
  v1::WithdrawalReceipt receipt;
  ASSERT_TRUE(Withdraw(p, {v1::PURPOSE_GROUP_PARTICIPATION}, false, &receipt).ok());
  ASSERT_TRUE(consent_->ListDueForReview(AsCharity().get(), due, &listed).ok());
  EXPECT_EQ(listed.consents_size(), 0);
}

TEST_F(ConsentServiceTest, NoContributionIsAcceptedAfterAWithdrawalCommits) {
  // Withdrawals race submissions; once the receipt exists, no ACTIVE contribution remains.
  for (int round = 0; round < 20; ++round) {
    const std::string p = NewParticipant(absl::StrCat("CR-race-", round));
    Give(p, v1::PURPOSE_RESEARCH_USE);
    std::atomic<bool> withdrawn{false};
    std::thread submitter([&] {
      for (int i = 0; i < 20 && !withdrawn; ++i) {
        v1::Contribution c;
        Submit(p, "note", &c);
      }
    });
    v1::WithdrawalReceipt receipt;
    const grpc::Status withdrawal = Withdraw(p, {v1::PURPOSE_RESEARCH_USE}, false, &receipt);
    withdrawn = true;
    submitter.join();  // before any assertion can return
    ASSERT_TRUE(withdrawal.ok()) << withdrawal.error_code() << " " << withdrawal.error_message();
    v1::ListContributionsRequest list;
    list.set_parent(p);
    list.set_page_size(1000);
    v1::ListContributionsResponse listed;
    ASSERT_TRUE(contributions_->ListContributions(AsCharity().get(), list, &listed).ok());
    for (const auto& c : listed.contributions()) {
      EXPECT_NE(c.state(), v1::CONTRIBUTION_STATE_ACTIVE) << c.name();
    }
  }
}

class ConsentObservabilityTest : public ConsentServiceTest {
 protected:
  ConsentObservabilityTest() { serve_metrics_ = true; }
};

TEST_F(ConsentObservabilityTest, AnswersHealthReflectionAndMetrics) {
  EXPECT_TRUE(testing::WaitForHealth(channel_, HealthCheckResponse::SERVING, absl::Seconds(5)));
  auto services = testing::ReflectionListServices(channel_);
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_NE(services->find("bridging.consent.v1.ConsentService"), std::string::npos);
  EXPECT_NE(services->find("bridging.consent.v1.ContributionService"), std::string::npos);
  NewParticipant("CR-metrics");
  auto metrics = testing::HttpGet(host_->metrics_port(), "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->find("grpc_method=\"/bridging.consent.v1.ConsentService/CreateParticipant\""),
            std::string::npos);
}

TEST_F(ConsentServiceTest, RedisDownIsUnavailableAndNotServingThenRecovers) {
  EXPECT_TRUE(testing::WaitForHealth(channel_, HealthCheckResponse::SERVING, absl::Seconds(5)));
  const std::string p = NewParticipant("CR-down");
  ASSERT_TRUE(redis_->Kill(SIGKILL).ok());
  v1::GetConsentStatusRequest get;
  get.set_participant(p);
  v1::ConsentStatus status;
  const grpc::Status down = consent_->GetConsentStatus(AsCharity().get(), get, &status);
  EXPECT_EQ(down.error_code(), StatusCode::UNAVAILABLE) << down.error_message();
  v1::WithdrawalReceipt receipt;
  EXPECT_EQ(Withdraw(p, {}, false, &receipt).error_code(), StatusCode::UNAVAILABLE);
  EXPECT_TRUE(testing::WaitForHealth(channel_, HealthCheckResponse::NOT_SERVING, absl::Seconds(5)));

  ASSERT_TRUE(redis_->Restart().ok());
  EXPECT_TRUE(testing::WaitForHealth(channel_, HealthCheckResponse::SERVING, absl::Seconds(10)));
  // Same service process, no restart: it reconnected by itself.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  grpc::Status again;
  do {
    again = consent_->GetConsentStatus(AsCharity().get(), get, &status);
  } while (!again.ok() && absl::Now() < deadline);
  EXPECT_TRUE(again.ok()) << again.error_message();
  EXPECT_EQ(status.participant(), p);
}

TEST_F(ConsentServiceTest, NoAcknowledgedChangeIsLostWhenRedisIsKilled) {
  // Writers stream changes; Redis is SIGKILLed mid-stream and restarted from its AOF
  // (appendfsync always). Every change the service acknowledged must still be there.
  absl::Mutex mu;
  std::vector<std::string> acknowledged;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop; ++i) {
        v1::CreateParticipantRequest request;
        request.set_parent(kCharity);
        request.mutable_participant()->set_charity_reference(absl::StrCat("W", w, "-", i));
        v1::Participant p;
        if (consent_->CreateParticipant(AsCharity().get(), request, &p).ok()) {
          absl::MutexLock lock(&mu);
          acknowledged.push_back(p.name());
        } else {
          ++failures;
        }
      }
    });
  }
  auto count = [&] {
    absl::MutexLock lock(&mu);
    return acknowledged.size();
  };
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (count() < 100 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_GE(count(), 100u);
  ASSERT_TRUE(redis_->Kill(SIGKILL).ok());
  const size_t before_restart = count();
  while (failures.load() < 4 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  ASSERT_TRUE(redis_->Restart().ok());
  // Keep writing a little after the restart, then stop.
  while (count() < before_restart + 50 && absl::Now() < deadline + absl::Seconds(20)) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  stop = true;
  for (auto& t : writers) t.join();

  std::vector<std::string> all;
  {
    absl::MutexLock lock(&mu);
    all = acknowledged;
  }
  int missing = 0;
  for (const auto& name : all) {
    v1::GetParticipantRequest get;
    get.set_name(name);
    v1::Participant p;
    if (!consent_->GetParticipant(AsCharity().get(), get, &p).ok()) ++missing;
  }
  EXPECT_EQ(missing, 0) << "of " << all.size() << " acknowledged";
  EXPECT_GT(failures.load(), 0);  // the outage was real
  EXPECT_GE(Watermark(), static_cast<int64_t>(all.size()));
}

}  // namespace
}  // namespace bridging::consent
