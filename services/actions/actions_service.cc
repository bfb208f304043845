// Implements the gRPC adapter: each handler is ServeUnary(policy check, domain call).
#include "services/actions/actions_service.h"

#include "libs/server/unary_handler.h"

namespace bridging::actions {

using server::ServeUnary;

ActionPlanServiceImpl::ActionPlanServiceImpl(PlanManager* manager,
                                             const auth::PrincipalCodec* codec)
    : manager_(manager),
      enforcer_(v1::ActionPlanService::service_full_name(), codec,
                [manager](absl::string_view organization, absl::string_view resource) {
                  return manager->HasShare(organization, resource);
                }) {}

grpc::Status ActionPlanServiceImpl::CreatePlan(grpc::ServerContext* context,
                                               const v1::CreatePlanRequest* request,
                                               v1::Plan* response) {
  return ServeUnary(
      enforcer_, context, "CreatePlan", *request, response,
      [&](const auth::Principal& caller) { return manager_->CreatePlan(*request, caller); });
}

grpc::Status ActionPlanServiceImpl::GetPlan(grpc::ServerContext* context,
                                            const v1::GetPlanRequest* request, v1::Plan* response) {
  return ServeUnary(
      enforcer_, context, "GetPlan", *request, response,
      [&](const auth::Principal& caller) { return manager_->GetPlan(*request, caller); });
}

grpc::Status ActionPlanServiceImpl::ListPlans(grpc::ServerContext* context,
                                              const v1::ListPlansRequest* request,
                                              v1::ListPlansResponse* response) {
  return ServeUnary(
      enforcer_, context, "ListPlans", *request, response,
      [&](const auth::Principal& caller) { return manager_->ListPlans(*request, caller); });
}

grpc::Status ActionPlanServiceImpl::CreateAction(grpc::ServerContext* context,
                                                 const v1::CreateActionRequest* request,
                                                 v1::Action* response) {
  return ServeUnary(
      enforcer_, context, "CreateAction", *request, response,
      [&](const auth::Principal& caller) { return manager_->CreateAction(*request, caller); });
}

grpc::Status ActionPlanServiceImpl::GetAction(grpc::ServerContext* context,
                                              const v1::GetActionRequest* request,
                                              v1::Action* response) {
  return ServeUnary(enforcer_, context, "GetAction", *request, response,
                    [&](const auth::Principal&) { return manager_->GetAction(*request); });
}

grpc::Status ActionPlanServiceImpl::ListActions(grpc::ServerContext* context,
                                                const v1::ListActionsRequest* request,
                                                v1::ListActionsResponse* response) {
  return ServeUnary(enforcer_, context, "ListActions", *request, response,
                    [&](const auth::Principal&) { return manager_->ListActions(*request); });
}

grpc::Status ActionPlanServiceImpl::UpdateAction(grpc::ServerContext* context,
                                                 const v1::UpdateActionRequest* request,
                                                 v1::Action* response) {
  return ServeUnary(
      enforcer_, context, "UpdateAction", *request, response,
      [&](const auth::Principal& caller) { return manager_->UpdateAction(*request, caller); });
}

grpc::Status ActionPlanServiceImpl::AddProgressNote(grpc::ServerContext* context,
                                                    const v1::AddProgressNoteRequest* request,
                                                    v1::Action* response) {
  return ServeUnary(
      enforcer_, context, "AddProgressNote", *request, response,
      [&](const auth::Principal& caller) { return manager_->AddProgressNote(*request, caller); });
}

grpc::Status ActionPlanServiceImpl::ListActionHistory(grpc::ServerContext* context,
                                                      const v1::ListActionHistoryRequest* request,
                                                      v1::ListActionHistoryResponse* response) {
  return ServeUnary(enforcer_, context, "ListActionHistory", *request, response,
                    [&](const auth::Principal&) { return manager_->ListActionHistory(*request); });
}

grpc::Status ActionPlanServiceImpl::GetPlanSummary(grpc::ServerContext* context,
                                                   const v1::GetPlanSummaryRequest* request,
                                                   v1::PlanSummary* response) {
  return ServeUnary(enforcer_, context, "GetPlanSummary", *request, response,
                    [&](const auth::Principal&) { return manager_->GetPlanSummary(*request); });
}

grpc::Status ActionPlanServiceImpl::SharePlan(grpc::ServerContext* context,
                                              const v1::SharePlanRequest* request,
                                              v1::Plan* response) {
  return ServeUnary(
      enforcer_, context, "SharePlan", *request, response,
      [&](const auth::Principal& caller) { return manager_->SharePlan(*request, caller); });
}

grpc::Status ActionPlanServiceImpl::UnsharePlan(grpc::ServerContext* context,
                                                const v1::UnsharePlanRequest* request,
                                                v1::Plan* response) {
  return ServeUnary(
      enforcer_, context, "UnsharePlan", *request, response,
      [&](const auth::Principal& caller) { return manager_->UnsharePlan(*request, caller); });
}

}  // namespace bridging::actions
