// Tests of the outbox publisher against a real redis-server, the real anonymizer service and
// a recording AnalyticsService, all over real loopback gRPC.
#include "libs/outbox/outbox_publisher.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/common/crypto.h"
#include "libs/outbox/recording_analytics.h"
#include "libs/store/atomic_write.h"
#include "libs/testing/redis_server.h"
#include "libs/testing/test_store.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"
#include "services/anonymizer/test_anonymizer.h"

namespace bridging::outbox {
namespace {

using analytics::v1::Event;

constexpr char kParticipant1[] = "charities/sunflower/participants/p1";
constexpr char kParticipant2[] = "charities/sunflower/participants/p2";
constexpr char kContribution[] = "charities/sunflower/participants/p1/contributions/c1";
constexpr char kPractice[] = "practices/riverside";

// A translator of test kinds: "given" (subject = participant), "shared" (subject =
// contribution, payload = practice), "quote" (payload = approved wording), "silent" (no
// event) and "corrupt" (cannot be read).
class TestTranslator final : public Translator {
 public:
  absl::StatusOr<std::optional<Event>> Translate(const OutboxEntry& entry) const override {
    Event event;
    if (entry.kind == "given") {
      event.set_kind(analytics::v1::EVENT_KIND_CONSENT_GIVEN);
      event.mutable_consent()->set_participant(entry.subject);
      event.mutable_consent()->add_purposes(consent::v1::PURPOSE_RESEARCH_USE);
      event.mutable_consent()->set_state(consent::v1::CONSENT_STATE_GIVEN);
      return event;
    }
    if (entry.kind == "shared" || entry.kind == "quote") {
      event.set_kind(entry.kind == "shared" ? analytics::v1::EVENT_KIND_CONTRIBUTION_SHARED
                                            : analytics::v1::EVENT_KIND_QUOTE_APPROVED);
      auto* c = event.mutable_contribution();
      c->set_participant(entry.subject.substr(0, entry.subject.find("/contributions/")));
      c->set_contribution(entry.subject);
      if (entry.kind == "shared") {
        c->set_practice(entry.payload);
        c->set_redacted_text("text that is not an approved quote");  // must be cleared
      } else {
        c->set_redacted_text(entry.payload);
      }
      return event;
    }
    if (entry.kind == "silent") return std::nullopt;
    return absl::DataLossError("unreadable payload");
  }
};

// Polls `done` every 10 ms until it holds or `timeout` passes.
bool Eventually(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(10)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (done()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return done();
}

class OutboxPublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    store_ = testing::ConnectTestStore(*redis_);
    codec_ = std::make_unique<auth::PrincipalCodec>(std::string(48, 'k'));
    anonymizer_server_ = std::make_unique<anonymizer::TestAnonymizer>(codec_.get());
    ASSERT_TRUE(anonymizer_server_->Start().ok());
    analytics_server_ = std::make_unique<RecordingAnalyticsServer>(codec_.get());
    ASSERT_TRUE(analytics_server_->Start().ok());
    anonymizer_client_ = std::make_unique<AnonymizerClient>(
        ServiceChannel(anonymizer_server_->address()), codec_.get(), Self("services/consent"),
        absl::Seconds(2));
  }

  void TearDown() override {
    publishers_.clear();  // stops them before the servers and the store go away
  }

  static auth::Principal Self(const std::string& org) { return {org, common::v1::ROLE_SERVICE}; }

  static OutboxPublisherOptions Options() {
    OutboxPublisherOptions options = OutboxPublisherOptions::ForService("consent");
    options.idle_wait = absl::Milliseconds(50);
    options.initial_backoff = absl::Milliseconds(10);
    options.max_backoff = absl::Milliseconds(100);
    options.lease_ttl = absl::Milliseconds(900);
    return options;
  }

  // A started publisher whose analytics client calls as `org`.
  OutboxPublisher& NewPublisher(const std::string& org = "services/consent",
                                OutboxPublisherOptions options = Options()) {
    auto analytics = std::make_unique<AnalyticsClient>(ServiceChannel(analytics_server_->address()),
                                                       codec_.get(), Self(org), absl::Seconds(2));
    publishers_.push_back(std::make_unique<Running>());
    Running& running = *publishers_.back();
    running.analytics = std::move(analytics);
    running.publisher = std::make_unique<OutboxPublisher>(
        options, *store_, translator_, *anonymizer_client_, *running.analytics, registry_);
    running.publisher->Start();
    return *running.publisher;
  }

  // Appends an outbox entry the way a service does; returns its sequence.
  int64_t Append(const std::string& kind, const std::string& subject,
                 const std::string& payload = "") {
    store::AtomicWrite write;
    write.Set(absl::StrCat("consent:state:", subject), kind)
        .Outbox("consent:outbox", kind, subject, payload);
    return CommitRetrying(write);
  }

  // A change that moves the sequence without any outbox entry.
  int64_t Bump() {
    store::AtomicWrite write;
    write.Set("consent:unrelated", RandomValue());
    return CommitRetrying(write);
  }

  // Commits, retrying while a just-restarted Redis is still being reconnected to.
  int64_t CommitRetrying(const store::AtomicWrite& write) {
    absl::StatusOr<store::AtomicWriteResult> committed;
    EXPECT_TRUE(Eventually([&] {
      committed = store::Commit(*store_, "consent:sequence", write);
      return committed.ok();
    })) << committed.status();
    return committed.ok() ? committed->sequence : 0;
  }

  std::string RandomValue() { return absl::StrCat(++counter_); }

  int64_t StreamLength() {
    auto length = store_->Command({"XLEN", "consent:outbox"});
    EXPECT_TRUE(length.ok());
    return length.ok() ? length->integer : -1;
  }

  std::string Pseudonym(const std::string& domain, const std::string& identifier) {
    return anonymizer_server_->PseudonymOf(domain, identifier);
  }

  std::vector<int64_t> AppliedSequences() {
    std::vector<int64_t> out;
    for (const Event& e : analytics_server_->service().events()) out.push_back(e.sequence());
    return out;
  }

  std::string Metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  struct Running {
    std::unique_ptr<AnalyticsClient> analytics;
    std::unique_ptr<OutboxPublisher> publisher;
  };

  int counter_ = 0;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<store::RedisStore> store_;
  std::unique_ptr<auth::PrincipalCodec> codec_;
  std::unique_ptr<anonymizer::TestAnonymizer> anonymizer_server_;
  std::unique_ptr<RecordingAnalyticsServer> analytics_server_;
  std::unique_ptr<AnonymizerClient> anonymizer_client_;
  prometheus::Registry registry_;
  TestTranslator translator_;
  std::vector<std::unique_ptr<Running>> publishers_;
};

TEST_F(OutboxPublisherTest, DeliversEventsInOrderAndDeidentified) {
  const int64_t s1 = Append("given", kParticipant1);
  const int64_t s2 = Append("shared", kContribution, kPractice);
  Append("silent", kParticipant2);  // produces no event
  const int64_t s4 = Append("quote", kContribution, "Call Sarah on 07700 900123 about it.");
  const int64_t s5 = Append("given", kParticipant2);
  OutboxPublisher& publisher = NewPublisher();
  ASSERT_TRUE(publisher.WaitUntilApplied(s5, absl::Seconds(10)));

  EXPECT_EQ(AppliedSequences(), (std::vector<int64_t>{s1, s2, s4, s5}));
  EXPECT_EQ(analytics_server_->service().applied("consent"), s5);
  const std::vector<Event> events = analytics_server_->service().events();
  ASSERT_EQ(events.size(), 4u);
  for (const Event& e : events) {
    EXPECT_EQ(e.source(), "consent");
    EXPECT_EQ(e.pseudonym_key_version(), "k2");
    EXPECT_TRUE(e.has_event_time());
  }
  EXPECT_EQ(events[0].consent().participant(), Pseudonym("participant", kParticipant1));
  EXPECT_EQ(events[1].contribution().participant(), Pseudonym("participant", kParticipant1));
  EXPECT_EQ(events[1].contribution().contribution(), Pseudonym("contribution", kContribution));
  EXPECT_EQ(events[1].contribution().practice(), Pseudonym("practice", kPractice));
  EXPECT_EQ(events[1].contribution().redacted_text(), "");  // only approved quotes carry text
  EXPECT_EQ(events[2].kind(), analytics::v1::EVENT_KIND_QUOTE_APPROVED);
  EXPECT_NE(events[2].contribution().redacted_text().find("[PHONE]"), std::string::npos);
  EXPECT_EQ(events[3].consent().participant(), Pseudonym("participant", kParticipant2));
  // The same participant in another domain would be a different, unlinkable pseudonym.
  EXPECT_NE(Pseudonym("participant", kParticipant1), Pseudonym("contribution", kParticipant1));

  // Nothing identifiable crossed the wire: no name, reference or unapproved text.
  for (const auto& request : analytics_server_->service().requests()) {
    const std::string bytes = request.SerializeAsString();
    for (const char* secret : {"charities/", "practices/", "participants/", "contributions/",
                               "07700 900123", "not an approved quote"}) {
      EXPECT_FALSE(absl::StrContains(bytes, secret)) << secret;
    }
  }

  // Acknowledged: the cursor is the last entry and the stream is trimmed.
  EXPECT_TRUE(Eventually([&] { return StreamLength() == 0; }));
  auto cursor = store_->Command({"GET", "consent:outbox:cursor"});
  ASSERT_TRUE(cursor.ok());
  EXPECT_FALSE(cursor->is_nil());
  EXPECT_TRUE(Eventually([&] {
    return absl::StrContains(Metrics(),
                             "bridging_outbox_events_published_total{source=\"consent\"} 4");
  })) << Metrics();
  EXPECT_TRUE(absl::StrContains(Metrics(), "bridging_outbox_leader{source=\"consent\"} 1"));
  EXPECT_TRUE(Eventually([&] {
    return absl::StrContains(Metrics(), "bridging_outbox_lag_sequence{source=\"consent\"} 0");
  })) << Metrics();
}

TEST_F(OutboxPublisherTest, ThroughCoversChangesWithoutEvents) {
  Append("silent", kParticipant1);
  Bump();
  const int64_t last = Bump();
  OutboxPublisher& publisher = NewPublisher();
  ASSERT_TRUE(publisher.WaitUntilApplied(last, absl::Seconds(10)));
  EXPECT_EQ(analytics_server_->service().applied("consent"), last);
  EXPECT_TRUE(analytics_server_->service().events().empty());

  // While idle, a change without an outbox entry still moves analytics' applied sequence.
  const int64_t bumped = Bump();
  EXPECT_TRUE(
      Eventually([&] { return analytics_server_->service().applied("consent") == bumped; }));
  EXPECT_TRUE(analytics_server_->service().events().empty());
}

TEST_F(OutboxPublisherTest, RetriesAnalyticsFailuresWithoutLossAndTrimsOnlyAfterAck) {
  analytics_server_->service().SetFailing(true);
  OutboxPublisher& publisher = NewPublisher();
  std::vector<int64_t> sequences;
  for (int i = 0; i < 5; ++i) sequences.push_back(Append("given", kParticipant1));
  EXPECT_TRUE(Eventually([&] { return analytics_server_->service().failed_calls() >= 3; }));
  EXPECT_FALSE(publisher.WaitUntilApplied(sequences.back(), absl::Milliseconds(200)));
  // Nothing acknowledged: nothing trimmed, no cursor.
  EXPECT_EQ(StreamLength(), 5);
  auto cursor = store_->Command({"GET", "consent:outbox:cursor"});
  ASSERT_TRUE(cursor.ok());
  EXPECT_TRUE(cursor->is_nil());
  EXPECT_TRUE(absl::StrContains(
      Metrics(), "bridging_outbox_failures_total{reason=\"analytics\",source=\"consent\"}"));

  analytics_server_->service().SetFailing(false);
  ASSERT_TRUE(publisher.WaitUntilApplied(sequences.back(), absl::Seconds(10)));
  EXPECT_EQ(AppliedSequences(), sequences);
  EXPECT_TRUE(Eventually([&] { return StreamLength() == 0; }));
}

TEST_F(OutboxPublisherTest, RetriesWhileTheAnonymizerIsDown) {
  anonymizer_server_->Stop();
  OutboxPublisher& publisher = NewPublisher();
  const int64_t s1 = Append("given", kParticipant1);
  const int64_t s2 = Append("given", kParticipant2);
  EXPECT_TRUE(Eventually([&] {
    return absl::StrContains(
        Metrics(), "bridging_outbox_failures_total{reason=\"anonymizer\",source=\"consent\"} ");
  }));
  EXPECT_FALSE(publisher.WaitUntilApplied(s1, absl::Milliseconds(200)));
  EXPECT_TRUE(analytics_server_->service().requests().empty());  // nothing half de-identified
  EXPECT_EQ(StreamLength(), 2);

  ASSERT_TRUE(anonymizer_server_->Start().ok());  // same port
  ASSERT_TRUE(publisher.WaitUntilApplied(s2, absl::Seconds(10)));
  EXPECT_EQ(AppliedSequences(), (std::vector<int64_t>{s1, s2}));
}

TEST_F(OutboxPublisherTest, WaitUntilAppliedIsFalseWhileAnalyticsIsDownAndTrueOnceBack) {
  analytics_server_->Stop();
  OutboxPublisher& publisher = NewPublisher();
  const int64_t s = Append("given", kParticipant1);
  const absl::Time start = absl::Now();
  EXPECT_FALSE(publisher.WaitUntilApplied(s, absl::Milliseconds(300)));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(290));
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));

  ASSERT_TRUE(analytics_server_->Start().ok());  // same port, same recorded state
  EXPECT_TRUE(publisher.WaitUntilApplied(s, absl::Seconds(10)));
  EXPECT_EQ(AppliedSequences(), (std::vector<int64_t>{s}));
}

TEST_F(OutboxPublisherTest, CursorSurvivesRestartsWithNoLossAndNoResend) {
  const int64_t s1 = Append("given", kParticipant1);
  const int64_t s2 = Append("given", kParticipant2);
  {
    OutboxPublisher& first = NewPublisher();
    ASSERT_TRUE(first.WaitUntilApplied(s2, absl::Seconds(10)));
    ASSERT_TRUE(Eventually([&] { return StreamLength() == 0; }));
    publishers_.clear();  // stops it (and gives up the lease)
  }
  // Changes made while no publisher runs, then Redis itself restarts (AOF replayed).
  const int64_t s3 = Append("shared", kContribution, kPractice);
  const int64_t s4 = Append("given", kParticipant1);
  ASSERT_TRUE(redis_->Restart().ok());

  OutboxPublisher& second = NewPublisher();
  ASSERT_TRUE(second.WaitUntilApplied(s4, absl::Seconds(10)));
  EXPECT_EQ(AppliedSequences(), (std::vector<int64_t>{s1, s2, s3, s4}));
  // The durable cursor means the new publisher started after what was acknowledged.
  EXPECT_EQ(analytics_server_->service().duplicates(), 0);

  // Redis killed under a running publisher: it recovers and loses nothing.
  ASSERT_TRUE(redis_->Kill().ok());
  ASSERT_TRUE(redis_->Restart().ok());
  const int64_t s5 = Append("given", kParticipant2);
  ASSERT_TRUE(second.WaitUntilApplied(s5, absl::Seconds(10)));
  EXPECT_EQ(AppliedSequences(), (std::vector<int64_t>{s1, s2, s3, s4, s5}));
}

TEST_F(OutboxPublisherTest, AStoreThatLostWritesNeverReusesSequencesAnalyticsApplied) {
  Append("given", kParticipant1);
  const int64_t s2 = Append("given", kParticipant2);
  OutboxPublisher& publisher = NewPublisher();
  ASSERT_TRUE(publisher.WaitUntilApplied(s2, absl::Seconds(10)));
  // The store loses its last write (a crash inside the fsync window): the counter goes back.
  ASSERT_TRUE(store_->Command({"SET", "consent:sequence", absl::StrCat(s2 - 1)}).ok());
  // The publisher notices analytics is ahead and raises the counter before anything new.
  ASSERT_TRUE(Eventually([&] {
    auto sequence = store_->Command({"GET", "consent:sequence"});
    return sequence.ok() && sequence->str == absl::StrCat(s2);
  }));
  const int64_t s3 = Append("shared", kContribution, kPractice);
  EXPECT_GT(s3, s2);
  ASSERT_TRUE(publisher.WaitUntilApplied(s3, absl::Seconds(10)));
  EXPECT_EQ(AppliedSequences().back(), s3);  // delivered, not skipped as a duplicate
}

TEST_F(OutboxPublisherTest, ResendingAfterALostAcknowledgementIsHarmless) {
  const int64_t s1 = Append("given", kParticipant1);
  OutboxPublisher& publisher = NewPublisher();
  ASSERT_TRUE(publisher.WaitUntilApplied(s1, absl::Seconds(10)));
  ASSERT_TRUE(Eventually([&] {
    auto cursor = store_->Command({"GET", "consent:outbox:cursor"});
    return cursor.ok() && !cursor->is_nil();
  }));
  publishers_.clear();
  // As if the cursor write had been lost after analytics applied the batch.
  ASSERT_TRUE(store_->Command({"DEL", "consent:outbox:cursor"}).ok());
  const int64_t s2 = Append("given", kParticipant2);
  OutboxPublisher& again = NewPublisher();
  ASSERT_TRUE(again.WaitUntilApplied(s2, absl::Seconds(10)));
  EXPECT_EQ(AppliedSequences(), (std::vector<int64_t>{s1, s2}));
}

TEST_F(OutboxPublisherTest, AnUnreadableEntryHoldsThePublisherBackInsteadOfBeingSkipped) {
  const int64_t s1 = Append("given", kParticipant1);
  Append("corrupt", kParticipant1);
  const int64_t s3 = Append("given", kParticipant2);
  OutboxPublisher& publisher = NewPublisher();
  EXPECT_TRUE(Eventually([&] {
    return absl::StrContains(
        Metrics(), "bridging_outbox_failures_total{reason=\"translate\",source=\"consent\"} ");
  }));
  EXPECT_FALSE(publisher.WaitUntilApplied(s3, absl::Milliseconds(300)));
  EXPECT_LT(analytics_server_->service().applied("consent"), s1 + 1);
  EXPECT_EQ(StreamLength(), 3);
}

TEST_F(OutboxPublisherTest, LeaseKeepsASecondPublisherIdleUntilTheFirstStops) {
  OutboxPublisher& first = NewPublisher("services/consent-a");
  ASSERT_TRUE(Eventually([&] { return first.leader(); }));
  OutboxPublisher& second = NewPublisher("services/consent-b");
  const int64_t s1 = Append("given", kParticipant1);
  ASSERT_TRUE(first.WaitUntilApplied(s1, absl::Seconds(10)));
  // The idle replica still answers a withdrawal's wait, by asking analytics.
  EXPECT_TRUE(second.WaitUntilApplied(s1, absl::Seconds(10)));
  EXPECT_FALSE(second.leader());
  for (const std::string& caller : analytics_server_->service().callers()) {
    EXPECT_EQ(caller, "services/consent-a");
  }

  first.Stop();  // gives up the lease; the second takes over
  ASSERT_TRUE(Eventually([&] { return second.leader(); }));
  const int64_t s2 = Append("given", kParticipant2);
  ASSERT_TRUE(second.WaitUntilApplied(s2, absl::Seconds(10)));
  EXPECT_EQ(AppliedSequences(), (std::vector<int64_t>{s1, s2}));
  EXPECT_EQ(analytics_server_->service().callers().back(), "services/consent-b");
}

TEST_F(OutboxPublisherTest, StopsPromptlyAndReleasesTheLeaseEvenWhileAnalyticsIsDown) {
  analytics_server_->Stop();
  OutboxPublisher& publisher = NewPublisher();
  ASSERT_TRUE(Eventually([&] { return publisher.leader(); }));
  Append("given", kParticipant1);
  const absl::Time start = absl::Now();
  publisher.Stop();
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  auto lease = store_->Command({"EXISTS", "consent:outbox:lease"});
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ(lease->integer, 0);
  EXPECT_FALSE(publisher.WaitUntilApplied(1, absl::Seconds(1)));  // stopped: answers at once
}

TEST_F(OutboxPublisherTest, LargeBacklogIsSentInBatchesOfAtMost500) {
  std::vector<int64_t> sequences;
  for (int i = 0; i < 1001; ++i) {
    sequences.push_back(Append("given", absl::StrCat("charities/sunflower/participants/q", i)));
  }
  OutboxPublisher& publisher = NewPublisher();
  ASSERT_TRUE(publisher.WaitUntilApplied(sequences.back(), absl::Seconds(30)));
  EXPECT_EQ(AppliedSequences(), sequences);
  const auto requests = analytics_server_->service().requests();
  ASSERT_GE(requests.size(), 3u);
  for (const auto& request : requests) EXPECT_LE(request.events_size(), 500);
}

TEST_F(OutboxPublisherTest, DeidentifierBatchesManyNamesAndUsesOneKeyVersion) {
  std::vector<Event> events;
  for (int i = 0; i < 1500; ++i) {
    Event& e = events.emplace_back();
    e.set_sequence(i + 1);
    e.set_kind(analytics::v1::EVENT_KIND_ACTION_UPDATED);
    e.mutable_action()->set_action(absl::StrCat("practices/riverside/plans/x/actions/a", i));
    e.mutable_action()->set_practice(kPractice);
  }
  Deidentifier deidentifier(*anonymizer_client_);
  ASSERT_TRUE(deidentifier.Apply(&events).ok());
  EXPECT_EQ(events[1499].action().action(),
            Pseudonym("action", "practices/riverside/plans/x/actions/a1499"));
  EXPECT_EQ(events[0].action().practice(), Pseudonym("practice", kPractice));
  for (const Event& e : events) {
    EXPECT_TRUE(IsPseudonym(e.action().action()));
    EXPECT_EQ(e.pseudonym_key_version(), "k2");
  }

  // A draft missing a required name is refused rather than sent half-identified.
  std::vector<Event> broken(1);
  broken[0].set_kind(analytics::v1::EVENT_KIND_CONSENT_GIVEN);
  broken[0].mutable_consent();
  EXPECT_FALSE(deidentifier.Apply(&broken).ok());
}

}  // namespace
}  // namespace bridging::outbox
