// gRPC adapter for ActionPlanService: authorise against the proto-declared policy (share
// grants honoured for reads), call the domain manager, translate status. Nothing else.
#pragma once

#include "bridging/actions/v1/actions.grpc.pb.h"
#include "libs/auth/policy.h"
#include "services/actions/plan_manager.h"

namespace bridging::actions {

class ActionPlanServiceImpl final : public v1::ActionPlanService::Service {
 public:
  ActionPlanServiceImpl(PlanManager* manager, const auth::PrincipalCodec* codec);

  grpc::Status CreatePlan(grpc::ServerContext* context, const v1::CreatePlanRequest* request,
                          v1::Plan* response) override;
  grpc::Status GetPlan(grpc::ServerContext* context, const v1::GetPlanRequest* request,
                       v1::Plan* response) override;
  grpc::Status ListPlans(grpc::ServerContext* context, const v1::ListPlansRequest* request,
                         v1::ListPlansResponse* response) override;
  grpc::Status CreateAction(grpc::ServerContext* context, const v1::CreateActionRequest* request,
                            v1::Action* response) override;
  grpc::Status GetAction(grpc::ServerContext* context, const v1::GetActionRequest* request,
                         v1::Action* response) override;
  grpc::Status ListActions(grpc::ServerContext* context, const v1::ListActionsRequest* request,
                           v1::ListActionsResponse* response) override;
  grpc::Status UpdateAction(grpc::ServerContext* context, const v1::UpdateActionRequest* request,
                            v1::Action* response) override;
  grpc::Status AddProgressNote(grpc::ServerContext* context,
                               const v1::AddProgressNoteRequest* request,
                               v1::Action* response) override;
  grpc::Status ListActionHistory(grpc::ServerContext* context,
                                 const v1::ListActionHistoryRequest* request,
                                 v1::ListActionHistoryResponse* response) override;
  grpc::Status GetPlanSummary(grpc::ServerContext* context,
                              const v1::GetPlanSummaryRequest* request,
                              v1::PlanSummary* response) override;
  grpc::Status SharePlan(grpc::ServerContext* context, const v1::SharePlanRequest* request,
                         v1::Plan* response) override;
  grpc::Status UnsharePlan(grpc::ServerContext* context, const v1::UnsharePlanRequest* request,
                           v1::Plan* response) override;

 private:
  PlanManager* manager_;
  auth::PolicyEnforcer enforcer_;
};

}  // namespace bridging::actions
