// Implements the gRPC adapters: each handler is ServeUnary(policy check, domain call).
#include "services/consent/consent_service.h"

#include "libs/server/unary_handler.h"

namespace bridging::consent {

using server::ServeUnary;

ConsentServiceImpl::ConsentServiceImpl(ConsentManager* manager, const auth::PrincipalCodec* codec)
    : manager_(manager), enforcer_(v1::ConsentService::service_full_name(), codec) {}

grpc::Status ConsentServiceImpl::CreateParticipant(grpc::ServerContext* context,
                                                   const v1::CreateParticipantRequest* request,
                                                   v1::Participant* response) {
  return ServeUnary(
      enforcer_, context, "CreateParticipant", *request, response,
      [&](const auth::Principal& caller) { return manager_->CreateParticipant(*request, caller); });
}

grpc::Status ConsentServiceImpl::GetParticipant(grpc::ServerContext* context,
                                                const v1::GetParticipantRequest* request,
                                                v1::Participant* response) {
  return ServeUnary(enforcer_, context, "GetParticipant", *request, response,
                    [&](const auth::Principal&) { return manager_->GetParticipant(*request); });
}

grpc::Status ConsentServiceImpl::ListParticipants(grpc::ServerContext* context,
                                                  const v1::ListParticipantsRequest* request,
                                                  v1::ListParticipantsResponse* response) {
  return ServeUnary(enforcer_, context, "ListParticipants", *request, response,
                    [&](const auth::Principal&) { return manager_->ListParticipants(*request); });
}

grpc::Status ConsentServiceImpl::RecordConsent(grpc::ServerContext* context,
                                               const v1::RecordConsentRequest* request,
                                               v1::ConsentRecord* response) {
  return ServeUnary(
      enforcer_, context, "RecordConsent", *request, response,
      [&](const auth::Principal& caller) { return manager_->RecordConsent(*request, caller); });
}

grpc::Status ConsentServiceImpl::WithdrawConsent(grpc::ServerContext* context,
                                                 const v1::WithdrawConsentRequest* request,
                                                 v1::WithdrawalReceipt* response) {
  return ServeUnary(
      enforcer_, context, "WithdrawConsent", *request, response,
      [&](const auth::Principal& caller) { return manager_->WithdrawConsent(*request, caller); });
}

grpc::Status ConsentServiceImpl::GetConsentStatus(grpc::ServerContext* context,
                                                  const v1::GetConsentStatusRequest* request,
                                                  v1::ConsentStatus* response) {
  return ServeUnary(enforcer_, context, "GetConsentStatus", *request, response,
                    [&](const auth::Principal&) { return manager_->GetConsentStatus(*request); });
}

grpc::Status ConsentServiceImpl::CheckConsent(grpc::ServerContext* context,
                                              const v1::CheckConsentRequest* request,
                                              v1::CheckConsentResponse* response) {
  return ServeUnary(enforcer_, context, "CheckConsent", *request, response,
                    [&](const auth::Principal&) { return manager_->CheckConsent(*request); });
}

grpc::Status ConsentServiceImpl::ListConsentHistory(grpc::ServerContext* context,
                                                    const v1::ListConsentHistoryRequest* request,
                                                    v1::ListConsentHistoryResponse* response) {
  return ServeUnary(enforcer_, context, "ListConsentHistory", *request, response,
                    [&](const auth::Principal&) { return manager_->ListConsentHistory(*request); });
}

grpc::Status ConsentServiceImpl::VerifyConsentHistory(
    grpc::ServerContext* context, const v1::VerifyConsentHistoryRequest* request,
    v1::VerifyConsentHistoryResponse* response) {
  return ServeUnary(
      enforcer_, context, "VerifyConsentHistory", *request, response,
      [&](const auth::Principal&) { return manager_->VerifyConsentHistory(*request); });
}

grpc::Status ConsentServiceImpl::ListDueForReview(grpc::ServerContext* context,
                                                  const v1::ListDueForReviewRequest* request,
                                                  v1::ListDueForReviewResponse* response) {
  return ServeUnary(enforcer_, context, "ListDueForReview", *request, response,
                    [&](const auth::Principal&) { return manager_->ListDueForReview(*request); });
}

grpc::Status ConsentServiceImpl::GetConsentWatermark(grpc::ServerContext* context,
                                                     const v1::GetConsentWatermarkRequest* request,
                                                     v1::ConsentWatermark* response) {
  return ServeUnary(
      enforcer_, context, "GetConsentWatermark", *request, response,
      [&](const auth::Principal&) { return manager_->GetConsentWatermark(*request); });
}

ContributionServiceImpl::ContributionServiceImpl(ContributionManager* manager,
                                                 const auth::PrincipalCodec* codec)
    : manager_(manager), enforcer_(v1::ContributionService::service_full_name(), codec) {}

grpc::Status ContributionServiceImpl::SubmitContribution(
    grpc::ServerContext* context, const v1::SubmitContributionRequest* request,
    v1::Contribution* response) {
  return ServeUnary(enforcer_, context, "SubmitContribution", *request, response,
                    [&](const auth::Principal& caller) {
                      return manager_->SubmitContribution(*request, caller);
                    });
}

grpc::Status ContributionServiceImpl::ListContributions(grpc::ServerContext* context,
                                                        const v1::ListContributionsRequest* request,
                                                        v1::ListContributionsResponse* response) {
  return ServeUnary(enforcer_, context, "ListContributions", *request, response,
                    [&](const auth::Principal&) { return manager_->ListContributions(*request); });
}

grpc::Status ContributionServiceImpl::RetractContribution(
    grpc::ServerContext* context, const v1::RetractContributionRequest* request,
    v1::Contribution* response) {
  return ServeUnary(enforcer_, context, "RetractContribution", *request, response,
                    [&](const auth::Principal& caller) {
                      return manager_->RetractContribution(*request, caller);
                    });
}

grpc::Status ContributionServiceImpl::ApproveQuote(grpc::ServerContext* context,
                                                   const v1::ApproveQuoteRequest* request,
                                                   v1::Contribution* response) {
  return ServeUnary(
      enforcer_, context, "ApproveQuote", *request, response,
      [&](const auth::Principal& caller) { return manager_->ApproveQuote(*request, caller); });
}

grpc::Status ContributionServiceImpl::GetDataUseReport(grpc::ServerContext* context,
                                                       const v1::GetDataUseReportRequest* request,
                                                       v1::DataUseReport* response) {
  return ServeUnary(enforcer_, context, "GetDataUseReport", *request, response,
                    [&](const auth::Principal&) { return manager_->GetDataUseReport(*request); });
}

}  // namespace bridging::consent
