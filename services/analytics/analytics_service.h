// gRPC adapter for AnalyticsService: authorise against the proto-declared policy, call the
// ingestor or the query engine, translate status. Nothing else.
#pragma once

#include "bridging/analytics/v1/analytics.grpc.pb.h"
#include "libs/auth/policy.h"
#include "services/analytics/analytics_view.h"
#include "services/analytics/ingest.h"
#include "services/analytics/query_engine.h"
#include "services/analytics/usage_recorder.h"

namespace bridging::analytics {

class AnalyticsServiceImpl final : public v1::AnalyticsService::Service {
 public:
  AnalyticsServiceImpl(Ingestor* ingestor, QueryEngine* queries, AnalyticsView* view,
                       UsageRecorder* usage, const auth::PrincipalCodec* codec);

  grpc::Status IngestEvents(grpc::ServerContext* context, const v1::IngestEventsRequest* request,
                            v1::IngestEventsResponse* response) override;
  grpc::Status GetAppliedSequence(grpc::ServerContext* context,
                                  const v1::GetAppliedSequenceRequest* request,
                                  v1::AppliedSequence* response) override;
  grpc::Status GetParticipantUsage(grpc::ServerContext* context,
                                   const v1::GetParticipantUsageRequest* request,
                                   v1::ParticipantUsage* response) override;
  grpc::Status Query(grpc::ServerContext* context, const v1::QueryRequest* request,
                     v1::QueryResponse* response) override;
  grpc::Status GetFrameworkMatrix(grpc::ServerContext* context,
                                  const v1::GetFrameworkMatrixRequest* request,
                                  v1::FrameworkMatrix* response) override;
  grpc::Status ListQuotes(grpc::ServerContext* context, const v1::ListQuotesRequest* request,
                          v1::ListQuotesResponse* response) override;
  grpc::Status GetPrivacyBudget(grpc::ServerContext* context,
                                const v1::GetPrivacyBudgetRequest* request,
                                v1::PrivacyBudget* response) override;

 private:
  absl::StatusOr<v1::AppliedSequence> AppliedSequence(const v1::GetAppliedSequenceRequest& r);
  absl::StatusOr<v1::ParticipantUsage> ParticipantUsage(const v1::GetParticipantUsageRequest& r);

  Ingestor* ingestor_;
  QueryEngine* queries_;
  AnalyticsView* view_;
  UsageRecorder* usage_;
  auth::PolicyEnforcer enforcer_;
};

}  // namespace bridging::analytics
