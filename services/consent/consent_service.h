// gRPC adapters for ConsentService and ContributionService: authorise against the
// proto-declared policy, call the domain managers, translate status. Nothing else.
#pragma once

#include "bridging/consent/v1/consent.grpc.pb.h"
#include "libs/auth/policy.h"
#include "services/consent/consent_manager.h"
#include "services/consent/contribution_manager.h"

namespace bridging::consent {

class ConsentServiceImpl final : public v1::ConsentService::Service {
 public:
  ConsentServiceImpl(ConsentManager* manager, const auth::PrincipalCodec* codec);

  grpc::Status CreateParticipant(grpc::ServerContext* context,
                                 const v1::CreateParticipantRequest* request,
                                 v1::Participant* response) override;
  grpc::Status GetParticipant(grpc::ServerContext* context,
                              const v1::GetParticipantRequest* request,
                              v1::Participant* response) override;
  grpc::Status ListParticipants(grpc::ServerContext* context,
                                const v1::ListParticipantsRequest* request,
                                v1::ListParticipantsResponse* response) override;
  grpc::Status RecordConsent(grpc::ServerContext* context, const v1::RecordConsentRequest* request,
                             v1::ConsentRecord* response) override;
  grpc::Status WithdrawConsent(grpc::ServerContext* context,
                               const v1::WithdrawConsentRequest* request,
                               v1::WithdrawalReceipt* response) override;
  grpc::Status GetConsentStatus(grpc::ServerContext* context,
                                const v1::GetConsentStatusRequest* request,
                                v1::ConsentStatus* response) override;
  grpc::Status CheckConsent(grpc::ServerContext* context, const v1::CheckConsentRequest* request,
                            v1::CheckConsentResponse* response) override;
  grpc::Status ListConsentHistory(grpc::ServerContext* context,
                                  const v1::ListConsentHistoryRequest* request,
                                  v1::ListConsentHistoryResponse* response) override;
  grpc::Status VerifyConsentHistory(grpc::ServerContext* context,
                                    const v1::VerifyConsentHistoryRequest* request,
                                    v1::VerifyConsentHistoryResponse* response) override;
  grpc::Status ListDueForReview(grpc::ServerContext* context,
                                const v1::ListDueForReviewRequest* request,
                                v1::ListDueForReviewResponse* response) override;
  grpc::Status GetConsentWatermark(grpc::ServerContext* context,
                                   const v1::GetConsentWatermarkRequest* request,
                                   v1::ConsentWatermark* response) override;

 private:
  ConsentManager* manager_;
  auth::PolicyEnforcer enforcer_;
};

class ContributionServiceImpl final : public v1::ContributionService::Service {
 public:
  ContributionServiceImpl(ContributionManager* manager, const auth::PrincipalCodec* codec);

  grpc::Status SubmitContribution(grpc::ServerContext* context,
                                  const v1::SubmitContributionRequest* request,
                                  v1::Contribution* response) override;
  grpc::Status ListContributions(grpc::ServerContext* context,
                                 const v1::ListContributionsRequest* request,
                                 v1::ListContributionsResponse* response) override;
  grpc::Status RetractContribution(grpc::ServerContext* context,
                                   const v1::RetractContributionRequest* request,
                                   v1::Contribution* response) override;
  grpc::Status ApproveQuote(grpc::ServerContext* context, const v1::ApproveQuoteRequest* request,
                            v1::Contribution* response) override;
  grpc::Status GetDataUseReport(grpc::ServerContext* context,
                                const v1::GetDataUseReportRequest* request,
                                v1::DataUseReport* response) override;

 private:
  ContributionManager* manager_;
  auth::PolicyEnforcer enforcer_;
};

}  // namespace bridging::consent
