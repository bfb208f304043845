// Implements the analytics test fixture.
#include "services/analytics/analytics_fixture.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/common/crypto.h"
#include "libs/common/proto_time.h"
#include "libs/testing/probes.h"
#include "libs/testing/test_store.h"

namespace bridging::analytics {

void AnalyticsFixture::SetUp() {
  consent::ConsentFixture::SetUp();
  if (HasFatalFailure()) return;
  auto redis = testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  analytics_redis_ = std::move(*redis);
  options_.freshness_wait = absl::Milliseconds(300);
  // Exact counts above a threshold of 2, so tests can see who is counted.
  options_.policy.set_threshold(2);
  options_.policy.set_rounding_base(1);
  analytics_ = StartStack(options_);
}

void AnalyticsFixture::TearDown() {
  if (analytics_ && analytics_->host) analytics_->host->Shutdown();
  consent::ConsentFixture::TearDown();
}

std::unique_ptr<AnalyticsStack> AnalyticsFixture::StartStack(QueryOptions options) {
  auto s = std::make_unique<AnalyticsStack>();
  auto clock = [] { return absl::Now(); };
  s->store = testing::ConnectTestStore(*analytics_redis_);
  s->view = std::make_unique<AnalyticsView>();
  EXPECT_TRUE(s->view->Load(*s->store).ok());
  s->watermark = std::make_unique<ConsentWatermarkClient>(absl::StrCat("127.0.0.1:", host_->port()),
                                                          codec_.get());
  s->ledger = std::make_unique<privacy::InMemoryBudgetLedger>(1.0);
  s->usage = std::make_unique<UsageRecorder>(*s->store);
  s->ingestor = std::make_unique<Ingestor>(*s->store, *s->view, clock);
  s->queries = std::make_unique<QueryEngine>(*s->store, *s->view, *s->watermark, *s->ledger,
                                             *s->usage, options, clock);
  s->service = std::make_unique<AnalyticsServiceImpl>(s->ingestor.get(), s->queries.get(),
                                                      s->view.get(), s->usage.get(), codec_.get());
  server::ServiceHostOptions host_options;
  host_options.service_name = "analytics";
  host_options.shutdown_grace = absl::Seconds(2);
  s->host = std::make_unique<server::ServiceHost>(host_options);
  s->host->AddService(s->service.get());
  EXPECT_TRUE(s->host->Start().ok());
  s->stub = v1::AnalyticsService::NewStub(testing::LoopbackChannel(s->host->port()));
  return s;
}

std::string AnalyticsFixture::Pseudonym(const std::string& name) { return Sha256Hex(name); }

namespace {
common::v1::Date ThisMonth() {
  common::v1::Date d = ToDate(TodayUtc(absl::Now()));
  d.set_day(0);
  return d;
}
}  // namespace

v1::Event AnalyticsFixture::ConsentGiven(const std::string& person,
                                         std::vector<consent::v1::Purpose> purposes) {
  v1::Event e;
  e.set_source("consent");
  e.set_sequence(next_sequence_++);
  e.set_kind(v1::EVENT_KIND_CONSENT_GIVEN);
  e.mutable_consent()->set_participant(Pseudonym(person));
  for (auto p : purposes) e.mutable_consent()->add_purposes(p);
  e.mutable_consent()->set_state(consent::v1::CONSENT_STATE_GIVEN);
  *e.mutable_consent()->mutable_month() = ThisMonth();
  return e;
}

v1::Event AnalyticsFixture::Withdrawn(const std::string& person,
                                      std::vector<consent::v1::Purpose> purposes, bool erase) {
  v1::Event e = ConsentGiven(person, purposes);
  e.set_kind(v1::EVENT_KIND_CONSENT_WITHDRAWN);
  e.mutable_consent()->set_state(consent::v1::CONSENT_STATE_WITHDRAWN);
  e.mutable_consent()->set_erase(erase);
  return e;
}

v1::Event AnalyticsFixture::Shared(const std::string& person, const std::string& contribution,
                                   std::vector<common::v1::Principle> themes,
                                   consent::v1::SourceType source, const std::string& practice) {
  v1::Event e;
  e.set_source("consent");
  e.set_sequence(next_sequence_++);
  e.set_kind(v1::EVENT_KIND_CONTRIBUTION_SHARED);
  auto* c = e.mutable_contribution();
  c->set_participant(Pseudonym(person));
  c->set_contribution(Pseudonym(contribution));
  if (!practice.empty()) c->set_practice(Pseudonym(practice));
  c->set_source_type(source);
  for (auto t : themes) c->add_themes(t);
  *c->mutable_month() = ThisMonth();
  return e;
}

v1::Event AnalyticsFixture::QuoteApproved(const std::string& person,
                                          const std::string& contribution,
                                          const std::string& text) {
  v1::Event e = Shared(person, contribution, {});
  e.set_kind(v1::EVENT_KIND_QUOTE_APPROVED);
  e.mutable_contribution()->set_redacted_text(text);
  return e;
}

v1::IngestEventsResponse AnalyticsFixture::Ingest(const std::vector<v1::Event>& events,
                                                  AnalyticsStack* stack) {
  if (stack == nullptr) stack = analytics_.get();
  v1::IngestEventsRequest request;
  for (const auto& e : events) *request.add_events() = e;
  v1::IngestEventsResponse response;
  const grpc::Status status = stack->stub->IngestEvents(
      As("services/consent", common::v1::ROLE_SERVICE).get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

grpc::Status AnalyticsFixture::Query(const v1::QueryRequest& request, v1::QueryResponse* response,
                                     AnalyticsStack* stack) {
  if (stack == nullptr) stack = analytics_.get();
  const std::string team = request.parent();
  return stack->stub->Query(As(team, common::v1::ROLE_RESEARCHER).get(), request, response);
}

v1::QueryRequest AnalyticsFixture::ByTheme(const std::string& team) {
  v1::QueryRequest request;
  request.set_parent(team);
  request.set_dataset(v1::DATASET_CONTRIBUTIONS);
  request.add_group_by(v1::DIMENSION_THEME);
  request.set_measure(v1::MEASURE_COUNT);
  return request;
}

}  // namespace bridging::analytics
