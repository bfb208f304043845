// AnalyticsService over real gRPC with real Redis and the real consent service as the
// watermark source: ingest, queries, withdrawal and erasure, failing closed, restarts,
// the differencing guard, quotes, usage, and bad input.
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/analytics/analytics_fixture.h"

namespace bridging::analytics {
namespace {

using common::v1::PRINCIPLE_PEER_SUPPORT;
using common::v1::PRINCIPLE_SAFETY;
using consent::v1::PURPOSE_QUOTATION;
using consent::v1::PURPOSE_RESEARCH_USE;

struct Shown {
  double value = 0;
  bool suppressed = false;
  common::v1::SuppressionReason reason = common::v1::SUPPRESSION_REASON_UNSPECIFIED;
};

// First label of each row -> its first cell.
std::map<std::string, Shown> Cells(const v1::QueryResponse& response) {
  std::map<std::string, Shown> out;
  for (const auto& row : response.table().rows()) {
    out[row.labels(0)] = {row.cells(0).value(), row.cells(0).suppressed(), row.cells(0).reason()};
  }
  return out;
}

class AnalyticsServiceTest : public AnalyticsFixture {
 protected:
  // `people` participants with research consent, each with one SAFETY contribution; the
  // first `peer` of them also one PEER_SUPPORT contribution.
  void Seed(int people, int peer) {
    std::vector<v1::Event> events;
    for (int i = 0; i < people; ++i) {
      events.push_back(ConsentGiven(Person(i), {PURPOSE_RESEARCH_USE}));
      events.push_back(Shared(Person(i), absl::StrCat("c-safety-", i), {PRINCIPLE_SAFETY}));
      if (i < peer) {
        events.push_back(Shared(Person(i), absl::StrCat("c-peer-", i), {PRINCIPLE_PEER_SUPPORT}));
      }
    }
    Ingest(events);
  }
  static std::string Person(int i) { return absl::StrCat("person-", i); }
};

TEST_F(AnalyticsServiceTest, CountsContributionsAndSuppressesSmallGroups) {
  Seed(10, 2);
  v1::QueryResponse response;
  ASSERT_TRUE(Query(ByTheme(), &response).ok());
  auto cells = Cells(response);
  EXPECT_EQ(cells["PRINCIPLE_SAFETY"].value, 10);
  EXPECT_FALSE(cells["PRINCIPLE_SAFETY"].suppressed);
  EXPECT_TRUE(cells["PRINCIPLE_PEER_SUPPORT"].suppressed);  // 2 people: at the threshold
  EXPECT_EQ(cells["PRINCIPLE_PEER_SUPPORT"].value, 0);
  EXPECT_EQ(response.stamp().cells_suppressed(), 1);
  EXPECT_GE(response.stamp().consent_watermark(), next_sequence_ - 1);
  EXPECT_FALSE(response.stamp().query_id().empty());
  EXPECT_EQ(response.table().row_dimensions(0), "theme");
}

TEST_F(AnalyticsServiceTest, ManyContributionsFromFewPeopleAreSuppressed) {
  std::vector<v1::Event> events = {ConsentGiven("one", {PURPOSE_RESEARCH_USE})};
  for (int i = 0; i < 20; ++i)
    events.push_back(Shared("one", absl::StrCat("c", i), {PRINCIPLE_SAFETY}));
  Ingest(events);
  v1::QueryResponse response;
  ASSERT_TRUE(Query(ByTheme(), &response).ok());
  EXPECT_TRUE(Cells(response)["PRINCIPLE_SAFETY"].suppressed);  // 20 rows, one person
}

TEST_F(AnalyticsServiceTest, ReplayedBatchIsAppliedOnce) {
  std::vector<v1::Event> events;
  for (int i = 0; i < 5; ++i) {
    events.push_back(ConsentGiven(Person(i), {PURPOSE_RESEARCH_USE}));
    events.push_back(Shared(Person(i), absl::StrCat("c", i), {PRINCIPLE_SAFETY}));
  }
  EXPECT_EQ(Ingest(events).applied_count(), 10);
  const v1::IngestEventsResponse again = Ingest(events);
  EXPECT_EQ(again.applied_count(), 0);
  EXPECT_EQ(again.duplicate_count(), 10);
  ASSERT_EQ(again.applied_size(), 1);
  EXPECT_EQ(again.applied(0).sequence(), next_sequence_ - 1);
  v1::QueryResponse response;
  ASSERT_TRUE(Query(ByTheme(), &response).ok());
  EXPECT_EQ(Cells(response)["PRINCIPLE_SAFETY"].value, 5);
}

TEST_F(AnalyticsServiceTest, WithdrawalExcludesThePersonAndErasureDeletesTheirRows) {
  Seed(6, 0);
  Ingest({Withdrawn(Person(0), {PURPOSE_RESEARCH_USE}, false),
          Withdrawn(Person(1), {}, /*erase=*/true)});
  v1::QueryResponse response;
  ASSERT_TRUE(Query(ByTheme("researchers/team-b"), &response).ok());
  EXPECT_EQ(Cells(response)["PRINCIPLE_SAFETY"].value, 4);
  // No row of either person is left in Redis.
  for (int i : {0, 1}) {
    auto key = analytics_->store->Command(
        {"EXISTS", keys::Contribution(RowKey(Pseudonym(absl::StrCat("c-safety-", i))))});
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(key->integer, 0) << i;
  }
  // The withdrawals are recorded with when they were applied.
  v1::GetParticipantUsageRequest usage_request;
  usage_request.set_participant(Pseudonym(Person(1)));
  v1::ParticipantUsage usage;
  ASSERT_TRUE(analytics_->stub
                  ->GetParticipantUsage(As("services/consent", common::v1::ROLE_SERVICE).get(),
                                        usage_request, &usage)
                  .ok());
  ASSERT_EQ(usage.withdrawals_size(), 1);
  EXPECT_TRUE(usage.withdrawals(0).erased());
  EXPECT_TRUE(usage.withdrawals(0).has_apply_time());
  // A contribution shared after the withdrawal (a stale event) is not kept.
  Ingest({Shared(Person(0), "late", {PRINCIPLE_SAFETY})});
  ASSERT_TRUE(Query(ByTheme("researchers/team-c"), &response).ok());
  EXPECT_EQ(Cells(response)["PRINCIPLE_SAFETY"].value, 4);
}

TEST_F(AnalyticsServiceTest, UsageCountsAnswersThatCountedThePerson) {
  Seed(5, 0);
  v1::QueryResponse response;
  ASSERT_TRUE(Query(ByTheme(), &response).ok());
  ASSERT_TRUE(Query(ByTheme("researchers/team-b"), &response).ok());
  v1::GetParticipantUsageRequest request;
  request.set_participant(Pseudonym(Person(3)));
  v1::ParticipantUsage usage;
  ASSERT_TRUE(analytics_->stub
                  ->GetParticipantUsage(As("services/consent", common::v1::ROLE_SERVICE).get(),
                                        request, &usage)
                  .ok());
  EXPECT_EQ(usage.queries_counted(), 2);
  EXPECT_TRUE(usage.has_first_count_time());
}

TEST_F(AnalyticsServiceTest, FailsClosedWhileBehindTheConsentWatermark) {
  Seed(5, 0);
  // Consent changes analytics has not applied: the real watermark moves past 1,000,000.
  ASSERT_TRUE(store_->Command({"SET", "consent:sequence", "1000000"}).ok());
  v1::QueryResponse response;
  const absl::Time start = absl::Now();
  grpc::Status status = Query(ByTheme(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_GE(absl::Now() - start, options_.freshness_wait);
  // Caught up (the publisher's `through`): answers again, stamped with the watermark.
  v1::IngestEventsRequest through;
  auto* t = through.add_through();
  t->set_source("consent");
  t->set_sequence(1000000);
  v1::IngestEventsResponse ingested;
  ASSERT_TRUE(
      analytics_->stub
          ->IngestEvents(As("services/consent", common::v1::ROLE_SERVICE).get(), through, &ingested)
          .ok());
  ASSERT_TRUE(Query(ByTheme(), &response).ok());
  EXPECT_EQ(response.stamp().consent_watermark(), 1000000);
}

TEST_F(AnalyticsServiceTest, AnswerWaitsForAGapThatClosesInTime) {
  Seed(5, 0);
  ASSERT_TRUE(store_->Command({"SET", "consent:sequence", "5000"}).ok());
  std::thread late([&] {
    absl::SleepFor(absl::Milliseconds(100));
    v1::Event e = ConsentGiven("someone", {PURPOSE_RESEARCH_USE});
    e.set_sequence(5000);
    Ingest({e});
  });
  v1::QueryResponse response;
  const grpc::Status status = Query(ByTheme(), &response);
  late.join();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.stamp().consent_watermark(), 5000);
}

TEST_F(AnalyticsServiceTest, FailsClosedWhenTheConsentServiceIsDown) {
  Seed(5, 0);
  host_->Shutdown();
  v1::QueryResponse response;
  const grpc::Status status = Query(ByTheme(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(response.table().rows_size(), 0);
}

TEST_F(AnalyticsServiceTest, ARestartedProcessRebuildsTheSameAnswers) {
  Seed(9, 4);
  Ingest({Withdrawn(Person(0), {PURPOSE_RESEARCH_USE}, false)});
  v1::QueryResponse before, after;
  ASSERT_TRUE(Query(ByTheme(), &before).ok());
  analytics_->host->Shutdown();
  analytics_ = StartStack(options_);
  ASSERT_TRUE(Query(ByTheme("researchers/team-b"), &after).ok());
  EXPECT_EQ(Cells(after)["PRINCIPLE_SAFETY"].value, 8);
  EXPECT_EQ(Cells(after)["PRINCIPLE_PEER_SUPPORT"].value, 3);
  // And it carries on from the applied sequence: replays are duplicates.
  EXPECT_EQ(Ingest({Shared(Person(5), "c-x", {PRINCIPLE_SAFETY})}).applied_count(), 1);
}

TEST_F(AnalyticsServiceTest, TwoProcessesOnOneRedisNeverApplyAnEventTwice) {
  Seed(3, 0);
  auto second = StartStack(options_);
  std::vector<v1::Event> events;
  for (int i = 0; i < 200; ++i) {
    events.push_back(ConsentGiven(Person(100 + i), {PURPOSE_RESEARCH_USE}));
    events.push_back(Shared(Person(100 + i), absl::StrCat("d", i), {PRINCIPLE_SAFETY}));
  }
  std::thread a([&] { Ingest(events); });
  std::thread b([&] { Ingest(events, second.get()); });
  a.join();
  b.join();
  for (AnalyticsStack* stack : {analytics_.get(), second.get()}) {
    Ingest({Shared(Person(0), "sync", {PRINCIPLE_PEER_SUPPORT})}, stack);  // reloads if stale
    v1::QueryResponse response;
    ASSERT_TRUE(
        Query(ByTheme(absl::StrCat("researchers/t", stack->host->port())), &response, stack).ok());
    EXPECT_EQ(Cells(response)["PRINCIPLE_SAFETY"].value, 203);
  }
  second->host->Shutdown();
}

TEST_F(AnalyticsServiceTest, DifferencingGuardCoarsensASubtraction) {
  std::vector<v1::Event> events;
  for (int i = 0; i < 12; ++i) {
    events.push_back(ConsentGiven(Person(i), {PURPOSE_RESEARCH_USE}));
    events.push_back(Shared(Person(i), absl::StrCat("c", i), {PRINCIPLE_SAFETY},
                            consent::v1::SOURCE_TYPE_INTERVIEW, i < 2 ? "small" : "large"));
  }
  Ingest(events);
  v1::QueryResponse all, all_but_small;
  ASSERT_TRUE(Query(ByTheme(), &all).ok());
  EXPECT_EQ(Cells(all)["PRINCIPLE_SAFETY"].value, 12);
  // The same team asks again, leaving out the practice with two contributions.
  v1::QueryRequest request = ByTheme();
  auto* filter = request.add_filters();
  filter->set_dimension(v1::DIMENSION_PRACTICE);
  filter->add_values(Pseudonym("large"));
  ASSERT_TRUE(Query(request, &all_but_small).ok());
  const Shown cell = Cells(all_but_small)["PRINCIPLE_SAFETY"];
  EXPECT_TRUE(cell.suppressed);
  EXPECT_EQ(cell.reason, common::v1::SUPPRESSION_REASON_DIFFERENCING);
  EXPECT_TRUE(all_but_small.stamp().coarsened());
  // Another team that never saw the total gets the value.
  request.set_parent("researchers/team-b");
  ASSERT_TRUE(Query(request, &all_but_small).ok());
  EXPECT_EQ(Cells(all_but_small)["PRINCIPLE_SAFETY"].value, 10);
}

TEST_F(AnalyticsServiceTest, RetriedQueryIsAnsweredFromTheLog) {
  Seed(5, 0);
  v1::QueryRequest request = ByTheme();
  request.set_request_id("q-1");
  v1::QueryResponse first, retry;
  ASSERT_TRUE(Query(request, &first).ok());
  Ingest({Withdrawn(Person(0), {PURPOSE_RESEARCH_USE}, false)});
  ASSERT_TRUE(Query(request, &retry).ok());
  EXPECT_EQ(retry.stamp().query_id(), first.stamp().query_id());
  request.add_group_by(v1::DIMENSION_SOURCE_TYPE);  // same id, another question
  EXPECT_EQ(Query(request, &retry).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::GetPrivacyBudgetRequest budget_request;
  budget_request.set_parent(kTeam);
  v1::PrivacyBudget budget;
  ASSERT_TRUE(
      analytics_->stub
          ->GetPrivacyBudget(As(kTeam, common::v1::ROLE_RESEARCHER).get(), budget_request, &budget)
          .ok());
  EXPECT_EQ(budget.queries_answered(), 1);
}

TEST_F(AnalyticsServiceTest, QuotesNeedQuotationConsentAndApprovedWording) {
  Ingest({ConsentGiven("a", {PURPOSE_RESEARCH_USE, PURPOSE_QUOTATION}),
          ConsentGiven("b", {PURPOSE_RESEARCH_USE}), Shared("a", "qa", {PRINCIPLE_SAFETY}),
          Shared("b", "qb", {PRINCIPLE_SAFETY}), Shared("a", "unapproved", {PRINCIPLE_SAFETY}),
          QuoteApproved("a", "qa", "Being believed at [NAME]'s reception made me come back."),
          QuoteApproved("b", "qb", "b has no quotation consent"),
          QuoteApproved("a", "qa-bad", "call me on 07700 900123")});
  v1::ListQuotesRequest request;
  request.set_parent(kTeam);
  request.set_theme(PRINCIPLE_SAFETY);
  v1::ListQuotesResponse response;
  auto list = [&] {
    return analytics_->stub->ListQuotes(As(kTeam, common::v1::ROLE_RESEARCHER).get(), request,
                                        &response);
  };
  ASSERT_TRUE(list().ok());
  ASSERT_EQ(response.quotes_size(), 1);
  EXPECT_EQ(response.quotes(0).text(), "Being believed at [NAME]'s reception made me come back.");
  EXPECT_EQ(response.quotes(0).quote_id().find(Pseudonym("qa").substr(0, 16)), std::string::npos);
  Ingest({Withdrawn("a", {PURPOSE_QUOTATION}, false)});
  ASSERT_TRUE(list().ok());
  EXPECT_EQ(response.quotes_size(), 0);
}

TEST_F(AnalyticsServiceTest, RejectsBadInputNamingTheField) {
  struct Case {
    std::string name;
    std::function<void(v1::QueryRequest&)> change;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"no group", [](auto& r) { r.clear_group_by(); }, "group_by"},
      {"wrong dimension", [](auto& r) { r.add_group_by(v1::DIMENSION_STATUS); }, "group_by[1]"},
      {"repeated", [](auto& r) { r.add_group_by(v1::DIMENSION_THEME); }, "group_by[1]"},
      {"bad label",
       [](auto& r) {
         auto* f = r.add_filters();
         f->set_dimension(v1::DIMENSION_SOURCE_TYPE);
         f->add_values("SOURCE_TYPE_GOSSIP");
       },
       "filters[0].values[0]"},
      {"bad month",
       [](auto& r) {
         auto* f = r.add_filters();
         f->set_dimension(v1::DIMENSION_MONTH);
         f->add_values("2026-13");
       },
       "filters[0].values[0]"},
      {"median", [](auto& r) { r.set_measure(v1::MEASURE_MEDIAN_DAYS_TO_DONE); }, "measure"},
      {"dataset", [](auto& r) { r.set_dataset(v1::DATASET_UNSPECIFIED); }, "dataset"},
      {"range",
       [](auto& r) {
         r.mutable_from_month()->set_year(2026);
         r.mutable_from_month()->set_month(5);
         r.mutable_to_month()->set_year(2026);
         r.mutable_to_month()->set_month(4);
       },
       "to_month"},
  };
  for (const Case& c : cases) {
    v1::QueryRequest request = ByTheme();
    c.change(request);
    v1::QueryResponse response;
    const grpc::Status status = Query(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.name;
    EXPECT_NE(status.error_message().find(c.field), std::string::npos)
        << c.name << ": " << status.error_message();
  }
  // Events: a bad pseudonym, a payload that does not match, too many, out of order.
  auto ingest_error = [&](v1::IngestEventsRequest request) {
    v1::IngestEventsResponse response;
    return analytics_->stub->IngestEvents(As("services/consent", common::v1::ROLE_SERVICE).get(),
                                          request, &response);
  };
  v1::IngestEventsRequest bad;
  *bad.add_events() = ConsentGiven("x", {PURPOSE_RESEARCH_USE});
  bad.mutable_events(0)->mutable_consent()->set_participant("charities/sunflower/participants/x");
  grpc::Status status = ingest_error(bad);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("events[0].consent.participant"), std::string::npos);
  bad.Clear();
  *bad.add_events() = ConsentGiven("x", {PURPOSE_RESEARCH_USE});
  bad.mutable_events(0)->set_kind(v1::EVENT_KIND_ACTION_CREATED);
  EXPECT_EQ(ingest_error(bad).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  bad.Clear();
  for (int i = 0; i < kMaxEventsPerBatch + 1; ++i)
    *bad.add_events() = ConsentGiven("x", {PURPOSE_RESEARCH_USE});
  EXPECT_EQ(ingest_error(bad).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  bad.Clear();
  *bad.add_events() = ConsentGiven("x", {PURPOSE_RESEARCH_USE});
  *bad.add_events() = ConsentGiven("y", {PURPOSE_RESEARCH_USE});
  bad.mutable_events(1)->set_sequence(1);
  EXPECT_EQ(ingest_error(bad).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ingest_error(v1::IngestEventsRequest()).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(AnalyticsServiceTest, OnlyTheRightRolesAndTeamsGetIn) {
  Seed(5, 0);
  v1::QueryResponse response;
  // Another team's parent, a practice, a service: refused before anything is computed.
  EXPECT_EQ(
      analytics_->stub
          ->Query(As("researchers/team-b", common::v1::ROLE_RESEARCHER).get(), ByTheme(), &response)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      analytics_->stub
          ->Query(As("practices/riverside", common::v1::ROLE_PRACTICE).get(), ByTheme(), &response)
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  v1::IngestEventsRequest request;
  *request.add_events() = ConsentGiven("x", {PURPOSE_RESEARCH_USE});
  v1::IngestEventsResponse ingested;
  EXPECT_EQ(analytics_->stub
                ->IngestEvents(As(kTeam, common::v1::ROLE_RESEARCHER).get(), request, &ingested)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::ClientContext anonymous;
  EXPECT_EQ(analytics_->stub->Query(&anonymous, ByTheme(), &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AnalyticsServiceTest, IngestIsUnavailableWhileRedisIsDownAndLosesNothing) {
  Seed(3, 0);
  ASSERT_TRUE(analytics_redis_->Kill().ok());
  v1::IngestEventsRequest request;
  *request.add_events() = ConsentGiven(Person(50), {PURPOSE_RESEARCH_USE});
  v1::IngestEventsResponse response;
  EXPECT_EQ(
      analytics_->stub
          ->IngestEvents(As("services/consent", common::v1::ROLE_SERVICE).get(), request, &response)
          .error_code(),
      grpc::StatusCode::UNAVAILABLE);
  ASSERT_TRUE(analytics_redis_->Restart().ok());
  EXPECT_EQ(Ingest({request.events(0)}).applied_count(), 1);
}

TEST_F(AnalyticsServiceTest, FrameworkMatrixHasTotalsAndProtectsSmallCells) {
  std::vector<v1::Event> events;
  for (int i = 0; i < 20; ++i) {
    events.push_back(ConsentGiven(Person(i), {PURPOSE_RESEARCH_USE}));
    events.push_back(
        Shared(Person(i), absl::StrCat("c", i), {PRINCIPLE_SAFETY},
               i < 2 ? consent::v1::SOURCE_TYPE_FEEDBACK : consent::v1::SOURCE_TYPE_INTERVIEW));
  }
  Ingest(events);
  v1::GetFrameworkMatrixRequest request;
  request.set_parent(kTeam);
  v1::FrameworkMatrix matrix;
  const grpc::Status status = analytics_->stub->GetFrameworkMatrix(
      As(kTeam, common::v1::ROLE_RESEARCHER).get(), request, &matrix);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const auto& table = matrix.table();
  ASSERT_TRUE(table.has_totals());
  ASSERT_EQ(table.rows_size(), 6);
  ASSERT_EQ(table.columns_size(), 4);
  EXPECT_EQ(table.rows(0).labels(0), "PRINCIPLE_SAFETY");
  EXPECT_EQ(table.rows(0).total().value(), 20);
  // INTERVIEW 18 is shown; FEEDBACK 2 is at the threshold and withheld, and the row total
  // cannot give it away because the row's zero cells are withheld too.
  EXPECT_EQ(table.rows(0).cells(1).value(), 18);
  EXPECT_TRUE(table.rows(0).cells(3).suppressed());
  EXPECT_GE(matrix.stamp().cells_suppressed(), 2);
  EXPECT_EQ(table.grand_total().value(), 20);
}

}  // namespace
}  // namespace bridging::analytics
