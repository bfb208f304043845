// Integration tests of the consent service with its analytics link: the outbox publisher, the
// real anonymizer and a recording AnalyticsService, all over real loopback gRPC, and a real
// redis-server. Withdrawals are pushed before the receipt returns and succeed whatever is
// down; the data-use report says what analytics did, or that it could not be asked.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "libs/outbox/clients.h"
#include "libs/outbox/outbox_publisher.h"
#include "libs/outbox/recording_analytics.h"
#include "prometheus/registry.h"
#include "services/anonymizer/test_anonymizer.h"
#include "services/consent/analytics_translator.h"
#include "services/consent/consent_fixture.h"
#include "services/consent/participant_store.h"
#include "services/consent/remote_analytics_link.h"

namespace bridging::consent {
namespace {

using analytics::v1::Event;

constexpr absl::Duration kWithdrawalWait = absl::Milliseconds(400);

bool Eventually(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return done();
}

class ConsentAnalyticsTest : public ConsentFixture {
 protected:
  void SetUpAnalytics() override {
    anonymizer_ = std::make_unique<anonymizer::TestAnonymizer>(codec_.get());
    ASSERT_TRUE(anonymizer_->Start().ok());
    analytics_ = std::make_unique<outbox::RecordingAnalyticsServer>(codec_.get());
    ASSERT_TRUE(analytics_->Start().ok());
    const auth::Principal self{"services/consent", common::v1::ROLE_SERVICE};
    anonymizer_client_ = std::make_unique<outbox::AnonymizerClient>(
        outbox::ServiceChannel(anonymizer_->address()), codec_.get(), self, absl::Seconds(1));
    analytics_client_ = std::make_unique<outbox::AnalyticsClient>(
        outbox::ServiceChannel(analytics_->address()), codec_.get(), self, absl::Seconds(1));
    outbox::OutboxPublisherOptions options = outbox::OutboxPublisherOptions::ForService("consent");
    options.idle_wait = absl::Milliseconds(50);
    options.initial_backoff = absl::Milliseconds(10);
    options.max_backoff = absl::Milliseconds(100);
    publisher_ = std::make_unique<outbox::OutboxPublisher>(
        options, *store_, translator_, *anonymizer_client_, *analytics_client_, registry_);
    publisher_->Start();
    publisher_propagation_ =
        std::make_unique<PublisherPropagation>(publisher_.get(), kWithdrawalWait);
    usage_ =
        std::make_unique<RemoteAnalyticsUsage>(anonymizer_client_.get(), analytics_client_.get());
    propagation_ = publisher_propagation_.get();
    analytics_usage_ = usage_.get();
  }

  void TearDown() override {
    ConsentFixture::TearDown();
    if (publisher_) publisher_->Stop();
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

  v1::Contribution Submit(const std::string& participant, const std::string& text) {
    v1::SubmitContributionRequest request;
    request.set_parent(participant);
    request.mutable_contribution()->set_source_type(v1::SOURCE_TYPE_REFLECTIVE_NOTE);
    request.mutable_contribution()->set_text(text);
    request.mutable_contribution()->add_themes(common::v1::PRINCIPLE_SAFETY);
    request.mutable_contribution()->set_practice("practices/riverside");
    v1::Contribution out;
    const grpc::Status status =
        contributions_->SubmitContribution(AsCharity().get(), request, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  v1::DataUseReport Report(const std::string& participant) {
    v1::GetDataUseReportRequest request;
    request.set_participant(participant);
    v1::DataUseReport report;
    const grpc::Status status =
        contributions_->GetDataUseReport(AsCharity().get(), request, &report);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return report;
  }

  int64_t Watermark() {
    auto sequence = store_->Command({"GET", keys::kSequence});
    EXPECT_TRUE(sequence.ok());
    int64_t value = 0;
    if (sequence.ok() && !sequence->is_nil()) {
      EXPECT_TRUE(absl::SimpleAtoi(sequence->str, &value));
    }
    return value;
  }

  std::string Pseudonym(const std::string& participant) {
    return anonymizer_->PseudonymOf("participant", participant);
  }

  prometheus::Registry registry_;
  ConsentTranslator translator_;
  std::unique_ptr<anonymizer::TestAnonymizer> anonymizer_;
  std::unique_ptr<outbox::RecordingAnalyticsServer> analytics_;
  std::unique_ptr<outbox::AnonymizerClient> anonymizer_client_;
  std::unique_ptr<outbox::AnalyticsClient> analytics_client_;
  std::unique_ptr<outbox::OutboxPublisher> publisher_;
  std::unique_ptr<PublisherPropagation> publisher_propagation_;
  std::unique_ptr<RemoteAnalyticsUsage> usage_;
};

TEST_F(ConsentAnalyticsTest,
       EveryChangeReachesAnalyticsDeidentifiedAndWithdrawalsBeforeTheReceipt) {
  const std::string p = NewParticipant("CR-ANALYTICS-1");
  Give(p, v1::PURPOSE_RESEARCH_USE);
  Give(p, v1::PURPOSE_QUOTATION);
  const v1::Contribution note = Submit(p, "Jane Smith at reception let me wait somewhere quiet.");
  v1::ApproveQuoteRequest approve;
  approve.set_name(note.name());
  approve.set_quote("Reception let me wait somewhere quiet.");
  v1::Contribution quoted;
  ASSERT_TRUE(contributions_->ApproveQuote(AsCharity().get(), approve, &quoted).ok());

  v1::WithdrawalReceipt receipt;
  ASSERT_TRUE(Withdraw(p, {v1::PURPOSE_RESEARCH_USE}, false, &receipt).ok());
  EXPECT_TRUE(receipt.analytics_applied());
  EXPECT_EQ(analytics_->service().applied(kAnalyticsSource), receipt.sequence());
  EXPECT_EQ(receipt.sequence(), Watermark());

  const std::vector<Event> events = analytics_->service().events();
  std::vector<analytics::v1::EventKind> kinds;
  for (const Event& e : events) kinds.push_back(e.kind());
  // participant.created produces no event; `through` covered it.
  EXPECT_EQ(
      kinds,
      (std::vector<analytics::v1::EventKind>{
          analytics::v1::EVENT_KIND_CONSENT_GIVEN, analytics::v1::EVENT_KIND_CONSENT_GIVEN,
          analytics::v1::EVENT_KIND_CONTRIBUTION_SHARED, analytics::v1::EVENT_KIND_QUOTE_APPROVED,
          analytics::v1::EVENT_KIND_CONSENT_WITHDRAWN}));
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].consent().participant(), Pseudonym(p));
  EXPECT_EQ(events[2].contribution().participant(), Pseudonym(p));
  EXPECT_EQ(events[2].contribution().practice(),
            anonymizer_->PseudonymOf("practice", "practices/riverside"));
  EXPECT_EQ(events[3].contribution().redacted_text(), "Reception let me wait somewhere quiet.");
  EXPECT_EQ(events[4].sequence(), receipt.sequence());
  EXPECT_EQ(events[4].consent().participant(), Pseudonym(p));
  for (const auto& request : analytics_->service().requests()) {
    const std::string bytes = request.SerializeAsString();
    for (const std::string& secret :
         {p, note.name(), std::string("CR-ANALYTICS-1"), std::string("Jane Smith"),
          std::string("charities/"), std::string("support worker")}) {
      EXPECT_FALSE(absl::StrContains(bytes, secret)) << secret;
    }
  }

  // A retried withdrawal answers the same receipt, applied too.
  v1::WithdrawalReceipt first, again;
  ASSERT_TRUE(Withdraw(p, {}, false, &first, "withdraw-all-1").ok());
  ASSERT_TRUE(Withdraw(p, {}, false, &again, "withdraw-all-1").ok());
  EXPECT_EQ(again.name(), first.name());
  EXPECT_EQ(again.sequence(), first.sequence());
  EXPECT_TRUE(again.analytics_applied());
}

TEST_F(ConsentAnalyticsTest, ErasureOnlyWithdrawalIsPublishedWithErase) {
  const std::string p = NewParticipant("CR-ANALYTICS-2");
  v1::WithdrawalReceipt receipt;
  ASSERT_TRUE(Withdraw(p, {}, true, &receipt).ok());
  EXPECT_EQ(receipt.purposes_size(), 0);
  EXPECT_TRUE(receipt.analytics_applied());
  const std::vector<Event> events = analytics_->service().events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind(), analytics::v1::EVENT_KIND_CONSENT_WITHDRAWN);
  EXPECT_TRUE(events[0].consent().erase());
  EXPECT_EQ(events[0].consent().purposes_size(), 0);
}

TEST_F(ConsentAnalyticsTest, WithdrawalSucceedsWhileAnalyticsIsDownAndIsDeliveredLater) {
  const std::string p = NewParticipant("CR-ANALYTICS-3");
  Give(p, v1::PURPOSE_RESEARCH_USE);
  analytics_->Stop();
  const absl::Time start = absl::Now();
  v1::WithdrawalReceipt receipt;
  const grpc::Status status = Withdraw(p, {}, false, &receipt);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(receipt.analytics_applied());
  EXPECT_GT(receipt.sequence(), 0);
  EXPECT_LT(absl::Now() - start, kWithdrawalWait + absl::Seconds(2));  // bounded wait

  v1::DataUseReport report = Report(p);
  EXPECT_EQ(report.research_queries_counted(), -1);
  ASSERT_EQ(report.withdrawals_size(), 1);
  EXPECT_FALSE(report.withdrawals(0).analytics_applied());
  const std::string summary = absl::StrJoin(report.summary(), "\n");
  EXPECT_TRUE(absl::StrContains(summary, "could not be reached")) << summary;

  ASSERT_TRUE(analytics_->Start().ok());  // same port
  EXPECT_TRUE(Eventually(
      [&] { return analytics_->service().applied(kAnalyticsSource) >= receipt.sequence(); }));
  report = Report(p);
  ASSERT_EQ(report.withdrawals_size(), 1);
  EXPECT_TRUE(report.withdrawals(0).analytics_applied());
  EXPECT_EQ(report.withdrawals(0).sequence(), receipt.sequence());
  EXPECT_EQ(report.research_queries_counted(), 0);
}

TEST_F(ConsentAnalyticsTest, WithdrawalSucceedsWhileTheAnonymizerIsDown) {
  const std::string p = NewParticipant("CR-ANALYTICS-4");
  Give(p, v1::PURPOSE_CONTACT);
  anonymizer_->Stop();
  v1::WithdrawalReceipt receipt;
  const grpc::Status status = Withdraw(p, {v1::PURPOSE_CONTACT}, false, &receipt);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(receipt.analytics_applied());

  // Analytics answers, the anonymizer does not: the count is unknown, the withdrawal is
  // still reported as not yet applied, in plain words.
  v1::DataUseReport report = Report(p);
  EXPECT_EQ(report.research_queries_counted(), -1);
  const std::string summary = absl::StrJoin(report.summary(), "\n");
  EXPECT_TRUE(absl::StrContains(summary, "has not confirmed this withdrawal yet")) << summary;

  ASSERT_TRUE(anonymizer_->Start().ok());
  EXPECT_TRUE(publisher_->WaitUntilApplied(receipt.sequence(), absl::Seconds(10)));
}

TEST_F(ConsentAnalyticsTest, DataUseReportCountsResearchQueriesAndConfirmsWithdrawals) {
  const std::string p = NewParticipant("CR-ANALYTICS-5");
  Give(p, v1::PURPOSE_RESEARCH_USE);
  Give(p, v1::PURPOSE_QUOTATION);
  Submit(p, "A quiet room helped.");
  v1::WithdrawalReceipt receipt;
  ASSERT_TRUE(Withdraw(p, {v1::PURPOSE_QUOTATION}, false, &receipt).ok());
  ASSERT_TRUE(receipt.analytics_applied());
  analytics_->service().SetQueriesCounted(Pseudonym(p), 3);

  const v1::DataUseReport report = Report(p);
  EXPECT_EQ(report.research_queries_counted(), 3);
  ASSERT_EQ(report.withdrawals_size(), 1);
  EXPECT_EQ(report.withdrawals(0).sequence(), receipt.sequence());
  EXPECT_TRUE(report.withdrawals(0).analytics_applied());
  ASSERT_EQ(report.applications_size(), 2);
  EXPECT_EQ(report.applications(1).service(), "analytics");
  EXPECT_TRUE(report.applications(1).applied());
  EXPECT_TRUE(report.applications(1).has_apply_time());
  const std::string summary = absl::StrJoin(report.summary(), "\n");
  EXPECT_TRUE(absl::StrContains(summary, "counted you 3 time(s)")) << summary;
  EXPECT_TRUE(absl::StrContains(summary, "has applied this withdrawal")) << summary;
  EXPECT_FALSE(absl::StrContains(summary, Pseudonym(p)));
}

}  // namespace
}  // namespace bridging::consent
