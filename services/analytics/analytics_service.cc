// Implements the gRPC adapter: each handler is ServeUnary(policy check, domain call).
#include "services/analytics/analytics_service.h"

#include "libs/common/crypto.h"
#include "libs/common/errors.h"
#include "libs/common/status_macros.h"
#include "libs/server/unary_handler.h"

namespace bridging::analytics {

using server::ServeUnary;

AnalyticsServiceImpl::AnalyticsServiceImpl(Ingestor* ingestor, QueryEngine* queries,
                                           AnalyticsView* view, UsageRecorder* usage,
                                           const auth::PrincipalCodec* codec)
    : ingestor_(ingestor),
      queries_(queries),
      view_(view),
      usage_(usage),
      enforcer_(v1::AnalyticsService::service_full_name(), codec) {}

absl::StatusOr<v1::AppliedSequence> AnalyticsServiceImpl::AppliedSequence(
    const v1::GetAppliedSequenceRequest& request) {
  if (!IsSource(request.source())) {
    return InvalidField("source", "must match ^[a-z][a-z0-9/_-]{0,63}$");
  }
  absl::ReaderMutexLock lock(&view_->mutex());
  return view_->Applied(request.source());
}

absl::StatusOr<v1::ParticipantUsage> AnalyticsServiceImpl::ParticipantUsage(
    const v1::GetParticipantUsageRequest& request) {
  if (!IsPseudonym(request.participant())) {
    return InvalidField("participant", "must be a pseudonym (64 lowercase hex)");
  }
  // Counts still in memory are written first, so the report includes the latest answers.
  RETURN_IF_ERROR(usage_->Flush());
  ASSIGN_OR_RETURN(v1::ParticipantUsage usage, usage_->Read(request.participant()));
  absl::ReaderMutexLock lock(&view_->mutex());
  if (auto record = view_->Participant(request.participant())) {
    *usage.mutable_withdrawals() = record->withdrawals();
  }
  return usage;
}

grpc::Status AnalyticsServiceImpl::IngestEvents(grpc::ServerContext* context,
                                                const v1::IngestEventsRequest* request,
                                                v1::IngestEventsResponse* response) {
  return ServeUnary(enforcer_, context, "IngestEvents", *request, response,
                    [&](const auth::Principal&) { return ingestor_->Ingest(*request); });
}

grpc::Status AnalyticsServiceImpl::GetAppliedSequence(grpc::ServerContext* context,
                                                      const v1::GetAppliedSequenceRequest* request,
                                                      v1::AppliedSequence* response) {
  return ServeUnary(enforcer_, context, "GetAppliedSequence", *request, response,
                    [&](const auth::Principal&) { return AppliedSequence(*request); });
}

grpc::Status AnalyticsServiceImpl::GetParticipantUsage(
    grpc::ServerContext* context, const v1::GetParticipantUsageRequest* request,
    v1::ParticipantUsage* response) {
  return ServeUnary(enforcer_, context, "GetParticipantUsage", *request, response,
                    [&](const auth::Principal&) { return ParticipantUsage(*request); });
}

grpc::Status AnalyticsServiceImpl::Query(grpc::ServerContext* context,
                                         const v1::QueryRequest* request,
                                         v1::QueryResponse* response) {
  return ServeUnary(enforcer_, context, "Query", *request, response,
                    [&](const auth::Principal&) { return queries_->Query(*request); });
}

grpc::Status AnalyticsServiceImpl::GetFrameworkMatrix(grpc::ServerContext* context,
                                                      const v1::GetFrameworkMatrixRequest* request,
                                                      v1::FrameworkMatrix* response) {
  return ServeUnary(enforcer_, context, "GetFrameworkMatrix", *request, response,
                    [&](const auth::Principal&) { return queries_->FrameworkMatrix(*request); });
}

grpc::Status AnalyticsServiceImpl::ListQuotes(grpc::ServerContext* context,
                                              const v1::ListQuotesRequest* request,
                                              v1::ListQuotesResponse* response) {
  return ServeUnary(enforcer_, context, "ListQuotes", *request, response,
                    [&](const auth::Principal&) { return queries_->ListQuotes(*request); });
}

grpc::Status AnalyticsServiceImpl::GetPrivacyBudget(grpc::ServerContext* context,
                                                    const v1::GetPrivacyBudgetRequest* request,
                                                    v1::PrivacyBudget* response) {
  return ServeUnary(enforcer_, context, "GetPrivacyBudget", *request, response,
                    [&](const auth::Principal&) { return queries_->PrivacyBudget(*request); });
}

}  // namespace bridging::analytics
