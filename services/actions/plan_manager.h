// ActionPlanService domain logic: plans, actions, updates with etags, progress notes, the
// append-only history, summaries and read-only sharing with a charity. Knows nothing of
// gRPC; every change is one AtomicWrite with its history entry and outbox event.
#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bridging/actions/v1/actions.pb.h"
#include "libs/auth/principal.h"
#include "libs/store/committer.h"
#include "services/actions/action_store.h"

namespace bridging::actions {

using Clock = std::function<absl::Time()>;

class PlanManager {
 public:
  PlanManager(store::Store& store, Clock clock);

  absl::StatusOr<v1::Plan> CreatePlan(const v1::CreatePlanRequest& request,
                                      const auth::Principal& caller);
  absl::StatusOr<v1::Plan> GetPlan(const v1::GetPlanRequest& request,
                                   const auth::Principal& caller);
  absl::StatusOr<v1::ListPlansResponse> ListPlans(const v1::ListPlansRequest& request,
                                                  const auth::Principal& caller);
  absl::StatusOr<v1::Action> CreateAction(const v1::CreateActionRequest& request,
                                          const auth::Principal& caller);
  absl::StatusOr<v1::Action> GetAction(const v1::GetActionRequest& request);
  absl::StatusOr<v1::ListActionsResponse> ListActions(const v1::ListActionsRequest& request);
  absl::StatusOr<v1::Action> UpdateAction(const v1::UpdateActionRequest& request,
                                          const auth::Principal& caller);
  absl::StatusOr<v1::Action> AddProgressNote(const v1::AddProgressNoteRequest& request,
                                             const auth::Principal& caller);
  absl::StatusOr<v1::ListActionHistoryResponse> ListActionHistory(
      const v1::ListActionHistoryRequest& request);
  absl::StatusOr<v1::PlanSummary> GetPlanSummary(const v1::GetPlanSummaryRequest& request);
  absl::StatusOr<v1::Plan> SharePlan(const v1::SharePlanRequest& request,
                                     const auth::Principal& caller);
  absl::StatusOr<v1::Plan> UnsharePlan(const v1::UnsharePlanRequest& request,
                                       const auth::Principal& caller);

  // For the policy enforcer: does a charity hold a read grant on `resource`?
  absl::StatusOr<bool> HasShare(absl::string_view organization, absl::string_view resource);

 private:
  // A change to one action computed from its current state.
  struct ActionChange {
    v1::Action action;
    v1::ActionHistoryEntry entry;  // type, changed_fields, statuses, summary
    bool unchanged = false;        // nothing to write: answer with the current action
  };
  using ChangeFn = std::function<absl::StatusOr<ActionChange>(const v1::Action&, absl::CivilDay)>;

  // Reads, changes and commits one action (with etag, idempotency and retry).
  // `name_field` is where the request carries the name ("name" or "action.name").
  absl::StatusOr<v1::Action> ChangeAction(const std::string& name, const std::string& name_field,
                                          const std::string& etag, const std::string& request_id,
                                          const google::protobuf::Message& request,
                                          const std::string& method, const auth::Principal& caller,
                                          const std::string& actor_role,
                                          const std::string& outbox_kind, const ChangeFn& change);

  // Share or unshare (the two differ only in direction).
  absl::StatusOr<v1::Plan> ChangeShare(const std::string& plan, const std::string& charity,
                                       const std::string& etag, const std::string& request_id,
                                       const google::protobuf::Message& request,
                                       const std::string& method, const auth::Principal& caller,
                                       bool share);

  // Output-only fields computed at read time (overdue).
  v1::Action Present(v1::Action action) const;

  ActionStore store_;
  store::Committer committer_;
  Clock clock_;
};

}  // namespace bridging::actions
