// Test fixture for analytics: the consent fixture's real consent service (the watermark
// source) plus a real redis-server and the real analytics service on loopback, with helpers
// that build de-identified events the way the publishers do.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bridging/analytics/v1/analytics.grpc.pb.h"
#include "services/analytics/analytics_service.h"
#include "services/analytics/consent_watermark.h"
#include "services/consent/consent_fixture.h"

namespace bridging::analytics {

// One analytics process: its view, engines and gRPC host over a shared analytics Redis.
struct AnalyticsStack {
  std::unique_ptr<store::RedisStore> store;
  std::unique_ptr<AnalyticsView> view;
  std::unique_ptr<ConsentWatermarkClient> watermark;
  std::unique_ptr<privacy::InMemoryBudgetLedger> ledger;
  std::unique_ptr<UsageRecorder> usage;
  std::unique_ptr<Ingestor> ingestor;
  std::unique_ptr<QueryEngine> queries;
  std::unique_ptr<AnalyticsServiceImpl> service;
  std::unique_ptr<server::ServiceHost> host;
  std::unique_ptr<v1::AnalyticsService::Stub> stub;
};

class AnalyticsFixture : public consent::ConsentFixture {
 protected:
  static constexpr char kTeam[] = "researchers/team-a";

  void SetUp() override;
  void TearDown() override;

  // Starts another analytics process on the same Redis (as after a restart).
  std::unique_ptr<AnalyticsStack> StartStack(QueryOptions options);

  // 64-hex pseudonym of a name, as the anonymizer would make one.
  static std::string Pseudonym(const std::string& name);

  // Events of source "consent" with sequences from next_sequence_ on.
  v1::Event ConsentGiven(const std::string& person, std::vector<consent::v1::Purpose> purposes);
  v1::Event Withdrawn(const std::string& person, std::vector<consent::v1::Purpose> purposes,
                      bool erase);
  v1::Event Shared(const std::string& person, const std::string& contribution,
                   std::vector<common::v1::Principle> themes,
                   consent::v1::SourceType source = consent::v1::SOURCE_TYPE_INTERVIEW,
                   const std::string& practice = "");
  v1::Event QuoteApproved(const std::string& person, const std::string& contribution,
                          const std::string& text);

  // Ingests as the consent publisher; fails the test on error.
  v1::IngestEventsResponse Ingest(const std::vector<v1::Event>& events,
                                  AnalyticsStack* stack = nullptr);
  grpc::Status Query(const v1::QueryRequest& request, v1::QueryResponse* response,
                     AnalyticsStack* stack = nullptr);
  // Query of CONTRIBUTIONS grouped by theme for kTeam (or `team`).
  v1::QueryRequest ByTheme(const std::string& team = kTeam);

  std::unique_ptr<testing::RedisServer> analytics_redis_;
  std::unique_ptr<AnalyticsStack> analytics_;
  QueryOptions options_;
  // Consent sequences start well above the consent service's own watermark, so answers
  // are fresh unless a test makes the watermark run ahead.
  int64_t next_sequence_ = 1000;
};

}  // namespace bridging::analytics
