// Implements ActionPlanService domain logic over ActionStore and store::Committer.
#include "services/actions/plan_manager.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/common/crypto.h"
#include "libs/common/errors.h"
#include "libs/common/idempotency.h"
#include "libs/common/page_token.h"
#include "libs/common/proto_time.h"
#include "libs/common/resource_name.h"
#include "libs/common/status_macros.h"
#include "libs/store/proto_reads.h"
#include "services/actions/action_rules.h"

namespace bridging::actions {
namespace {

constexpr int kIdLength = 12;
constexpr char kPracticePattern[] = "practices/{practice}";
constexpr char kPlanPattern[] = "practices/{practice}/plans/{plan}";
constexpr char kActionPattern[] = "practices/{practice}/plans/{plan}/actions/{action}";

std::string RequestKey(const auth::Principal& caller, const std::string& request_id) {
  return IdempotencyKey(keys::kPrefix, caller.organization, request_id);
}

bool Owns(const auth::Principal& caller, const std::string& name) {
  return OwnerOf(name) == caller.organization;
}

// A charity reader sees a plan without the practice's list of grants.
v1::Plan ForReader(v1::Plan plan, const auth::Principal& caller) {
  if (!Owns(caller, plan.name())) plan.clear_shared_with();
  return plan;
}

std::string IdOf(const std::string& name) { return name.substr(name.rfind('/') + 1); }

}  // namespace

PlanManager::PlanManager(store::Store& store, Clock clock)
    : store_(store), committer_(store, keys::kSequence), clock_(std::move(clock)) {}

absl::StatusOr<bool> PlanManager::HasShare(absl::string_view organization,
                                           absl::string_view resource) {
  return store_.HasShare(std::string(organization), std::string(resource));
}

v1::Action PlanManager::Present(v1::Action action) const {
  action.set_overdue(IsOverdue(action, TodayUtc(clock_())));
  return action;
}

absl::StatusOr<v1::Plan> PlanManager::CreatePlan(const v1::CreatePlanRequest& request,
                                                 const auth::Principal& caller) {
  RETURN_IF_ERROR(ParseName(request.parent(), kPracticePattern, "parent").status());
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  RETURN_IF_ERROR(ValidatePlan(request.plan(), "plan"));
  const std::string request_key = RequestKey(caller, request.request_id());
  const std::string fingerprint = RequestFingerprint("CreatePlan", request);
  ASSIGN_OR_RETURN(auto replay, committer_.FindReplay(request_key, fingerprint));
  if (replay.has_value()) return store::ParseStored<v1::Plan>(replay->response);

  const absl::Time now = clock_();
  const std::string id = RandomId(kIdLength);
  v1::Plan plan;
  plan.set_name(absl::StrCat(request.parent(), "/plans/", id));
  plan.set_title(request.plan().title());
  plan.set_description(request.plan().description());
  *plan.mutable_create_time() = ToTimestamp(now);
  *plan.mutable_update_time() = ToTimestamp(now);
  plan.set_etag(RandomId(kIdLength));

  store::AtomicWrite write;
  write.ExpectAbsent(keys::Plan(plan.name()))
      .Set(keys::Plan(plan.name()), plan.SerializeAsString())
      .ZAdd(keys::PracticePlans(request.parent()), 0, id)
      .Outbox(keys::kOutbox, kinds::kPlanCreated, plan.name(), plan.SerializeAsString());
  if (!request_key.empty()) write.Idempotent(request_key, fingerprint, plan.SerializeAsString());
  ASSIGN_OR_RETURN(store::Committer::Committed committed, committer_.Commit(write));
  if (committed.replayed) return store::ParseStored<v1::Plan>(committed.response);
  if (!committed.conflict_key.empty()) return absl::AbortedError("plan id collision; retry");
  return plan;
}

absl::StatusOr<v1::Plan> PlanManager::GetPlan(const v1::GetPlanRequest& request,
                                              const auth::Principal& caller) {
  RETURN_IF_ERROR(ParseName(request.name(), kPlanPattern, "name").status());
  ASSIGN_OR_RETURN(auto plan, store_.ReadPlan(request.name()));
  return ForReader(std::move(plan.value), caller);
}

absl::StatusOr<v1::ListPlansResponse> PlanManager::ListPlans(const v1::ListPlansRequest& request,
                                                             const auth::Principal& caller) {
  RETURN_IF_ERROR(ParseName(request.parent(), kPracticePattern, "parent").status());
  ASSIGN_OR_RETURN(const int page_size, ResolvePageSize(request.page_size()));
  ASSIGN_OR_RETURN(const std::string cursor,
                   DecodePageToken(request.parent(), request.page_token()));
  // The owner lists its plan ids; a charity lists the plan names shared with it.
  const bool owner = Owns(caller, request.parent());
  std::vector<std::string> plan_names;
  bool more = false;
  if (owner) {
    ASSIGN_OR_RETURN(store::Reply ids,
                     store_.raw().Command({"ZRANGEBYLEX", keys::PracticePlans(request.parent()),
                                           cursor.empty() ? "-" : absl::StrCat("(", cursor), "+",
                                           "LIMIT", "0", absl::StrCat(page_size + 1)}));
    for (const auto& id : ids.elements) {
      plan_names.push_back(absl::StrCat(request.parent(), "/plans/", id.str));
    }
  } else {
    const std::string prefix = absl::StrCat(request.parent(), "/plans/");
    ASSIGN_OR_RETURN(
        store::Reply names,
        store_.raw().Command(
            {"ZRANGEBYLEX", keys::Shares(caller.organization),
             cursor.empty() ? absl::StrCat("[", prefix) : absl::StrCat("(", prefix, cursor),
             absl::StrCat("[", prefix, "\xff"), "LIMIT", "0", absl::StrCat(page_size + 1)}));
    for (const auto& name : names.elements) plan_names.push_back(name.str);
  }
  if (static_cast<int>(plan_names.size()) > page_size) {
    plan_names.resize(page_size);
    more = true;
  }
  std::vector<std::string> plan_keys;
  for (const auto& name : plan_names) plan_keys.push_back(keys::Plan(name));
  ASSIGN_OR_RETURN(auto plans, store::GetProtos<v1::Plan>(store_.raw(), plan_keys));
  v1::ListPlansResponse response;
  for (auto& plan : plans) *response.add_plans() = ForReader(std::move(plan), caller);
  if (more) {
    response.set_next_page_token(EncodePageToken(request.parent(), IdOf(plan_names.back())));
  }
  return response;
}

absl::StatusOr<v1::Action> PlanManager::CreateAction(const v1::CreateActionRequest& request,
                                                     const auth::Principal& caller) {
  RETURN_IF_ERROR(ParseName(request.parent(), kPlanPattern, "parent").status());
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  RETURN_IF_ERROR(ValidateRole("actor_role", request.actor_role(), false));
  const absl::Time now = clock_();
  const absl::CivilDay today = TodayUtc(now);
  v1::Action action = request.action();
  action.clear_name();
  action.clear_progress_notes();
  action.clear_overdue();
  action.clear_etag();
  if (action.status() == v1::ACTION_STATUS_UNSPECIFIED)
    action.set_status(v1::ACTION_STATUS_PLANNED);
  *action.mutable_create_time() = ToTimestamp(now);
  *action.mutable_update_time() = ToTimestamp(now);
  if (action.status() == v1::ACTION_STATUS_DONE && !action.has_completion_date()) {
    *action.mutable_completion_date() = ToDate(today);
  }
  RETURN_IF_ERROR(ValidateAction(action, "action", today));
  const std::string request_key = RequestKey(caller, request.request_id());
  const std::string fingerprint = RequestFingerprint("CreateAction", request);
  ASSIGN_OR_RETURN(auto replay, committer_.FindReplay(request_key, fingerprint));
  if (replay.has_value()) return store::ParseStored<v1::Action>(replay->response);

  return store::RetryOnConflict<v1::Action>([&]() -> absl::StatusOr<std::optional<v1::Action>> {
    ASSIGN_OR_RETURN(auto plan, store_.ReadPlan(request.parent()));
    ASSIGN_OR_RETURN(store::Reply count,
                     store_.raw().Command({"ZCARD", keys::PlanActions(request.parent())}));
    if (count.integer >= kMaxActionsPerPlan) {
      return Precondition(request.parent(), absl::StrCat("already holds ", kMaxActionsPerPlan,
                                                         " actions; start a new plan"));
    }
    const std::string id = RandomId(kIdLength);
    action.set_name(absl::StrCat(request.parent(), "/actions/", id));
    action.set_etag(RandomId(kIdLength));
    v1::ActionHistoryEntry entry;
    entry.set_index(0);
    entry.set_type(v1::ACTION_HISTORY_EVENT_TYPE_CREATED);
    entry.set_actor_role(request.actor_role());
    entry.set_caller_role(caller.role);
    *entry.mutable_event_time() = ToTimestamp(now);
    entry.set_new_status(action.status());
    entry.set_summary(absl::StrCat("created with status ", v1::ActionStatus_Name(action.status())));

    store::AtomicWrite write;
    // The plan must still be as read (it exists, and a share change re-runs this).
    write.ExpectValue(keys::Plan(request.parent()), plan.bytes)
        .ExpectAbsent(keys::Action(action.name()))
        .Set(keys::Action(action.name()), action.SerializeAsString())
        .ZAdd(keys::PlanActions(request.parent()), DueScore(action), id)
        .AppendWithSequence(keys::History(action.name()), entry.SerializeAsString())
        .Outbox(keys::kOutbox, kinds::kActionCreated, action.name(), action.SerializeAsString());
    if (!request_key.empty())
      write.Idempotent(request_key, fingerprint, action.SerializeAsString());
    ASSIGN_OR_RETURN(store::Committer::Committed committed, committer_.Commit(write));
    if (committed.replayed) return store::ParseStored<v1::Action>(committed.response);
    if (!committed.conflict_key.empty()) return std::nullopt;
    return Present(action);
  });
}

absl::StatusOr<v1::Action> PlanManager::GetAction(const v1::GetActionRequest& request) {
  RETURN_IF_ERROR(ParseName(request.name(), kActionPattern, "name").status());
  ASSIGN_OR_RETURN(auto action, store_.ReadAction(request.name()));
  return Present(std::move(action.value));
}

absl::StatusOr<v1::ListActionsResponse> PlanManager::ListActions(
    const v1::ListActionsRequest& request) {
  RETURN_IF_ERROR(ParseName(request.parent(), kPlanPattern, "parent").status());
  if (!v1::ActionStatus_IsValid(request.status())) return InvalidField("status", "is unknown");
  if (!common::v1::Principle_IsValid(request.principle())) {
    return InvalidField("principle", "is unknown");
  }
  if (!common::v1::Area_IsValid(request.area())) return InvalidField("area", "is unknown");
  ASSIGN_OR_RETURN(const int page_size, ResolvePageSize(request.page_size()));
  // The token is bound to the plan and the filters: changing a filter restarts the list.
  const std::string scope =
      absl::StrCat(request.parent(), "|", request.status(), "|", request.principle(), "|",
                   request.area(), "|", request.overdue());
  ASSIGN_OR_RETURN(const std::string cursor, DecodePageToken(scope, request.page_token()));
  RETURN_IF_ERROR(store_.ReadPlan(request.parent()).status());  // NOT_FOUND for unknown plans

  // Plans are bounded (kMaxActionsPerPlan), so the ordered id list is read whole and the
  // cursor is the last id returned; actions are fetched in batches until the page fills.
  ASSIGN_OR_RETURN(std::vector<std::string> ids, store_.ActionIds(request.parent()));
  size_t start = 0;
  if (!cursor.empty()) {
    auto it = std::find(ids.begin(), ids.end(), cursor);
    // A cursor whose action moved (new due date) restarts after its old neighbours; the
    // order is by due date, so a moved action may be seen twice or not at all, as in any
    // live list.
    start = it == ids.end() ? 0 : static_cast<size_t>(it - ids.begin()) + 1;
  }
  const absl::CivilDay today = TodayUtc(clock_());
  v1::ListActionsResponse response;
  std::string last_id;
  constexpr size_t kBatch = 200;
  for (size_t i = start; i < ids.size(); i += kBatch) {
    std::vector<std::string> batch(ids.begin() + i, ids.begin() + std::min(ids.size(), i + kBatch));
    ASSIGN_OR_RETURN(auto actions, store_.ReadActions(request.parent(), batch));
    for (v1::Action& action : actions) {
      if (request.status() != v1::ACTION_STATUS_UNSPECIFIED && action.status() != request.status())
        continue;
      if (request.principle() != common::v1::PRINCIPLE_UNSPECIFIED &&
          action.principle() != request.principle())
        continue;
      if (request.area() != common::v1::AREA_UNSPECIFIED && action.area() != request.area())
        continue;
      if (request.overdue() && !IsOverdue(action, today)) continue;
      if (response.actions_size() == page_size) {
        response.set_next_page_token(EncodePageToken(scope, last_id));
        return response;
      }
      last_id = IdOf(action.name());
      *response.add_actions() = Present(std::move(action));
    }
  }
  return response;
}

absl::StatusOr<v1::Action> PlanManager::ChangeAction(
    const std::string& name, const std::string& name_field, const std::string& etag,
    const std::string& request_id, const google::protobuf::Message& request,
    const std::string& method, const auth::Principal& caller, const std::string& actor_role,
    const std::string& outbox_kind, const ChangeFn& change) {
  RETURN_IF_ERROR(ParseName(name, kActionPattern, name_field).status());
  RETURN_IF_ERROR(ValidateRequestId(request_id));
  const std::string request_key = RequestKey(caller, request_id);
  const std::string fingerprint = RequestFingerprint(method, request);
  ASSIGN_OR_RETURN(auto replay, committer_.FindReplay(request_key, fingerprint));
  if (replay.has_value()) return store::ParseStored<v1::Action>(replay->response);
  const std::string plan = PlanOf(name);

  return store::RetryOnConflict<v1::Action>([&]() -> absl::StatusOr<std::optional<v1::Action>> {
    ASSIGN_OR_RETURN(auto current, store_.ReadAction(name));
    if (!etag.empty() && etag != current.value.etag()) return StaleEtag(name);
    const absl::Time now = clock_();
    ASSIGN_OR_RETURN(ActionChange result, change(current.value, TodayUtc(now)));
    if (result.unchanged) return Present(current.value);
    ASSIGN_OR_RETURN(store::Reply length, store_.raw().Command({"LLEN", keys::History(name)}));
    v1::Action& action = result.action;
    *action.mutable_update_time() = ToTimestamp(now);
    action.set_etag(RandomId(kIdLength));
    v1::ActionHistoryEntry& entry = result.entry;
    entry.set_index(length.integer);
    entry.set_actor_role(actor_role);
    entry.set_caller_role(caller.role);
    *entry.mutable_event_time() = ToTimestamp(now);

    store::AtomicWrite write;
    // The action bytes guard everything: the history index and a concurrent update.
    write.ExpectValue(keys::Action(name), current.bytes)
        .Set(keys::Action(name), action.SerializeAsString())
        .ZAdd(keys::PlanActions(plan), DueScore(action), IdOf(name))
        .AppendWithSequence(keys::History(name), entry.SerializeAsString())
        .Outbox(keys::kOutbox, outbox_kind, name, action.SerializeAsString());
    if (!request_key.empty())
      write.Idempotent(request_key, fingerprint, action.SerializeAsString());
    ASSIGN_OR_RETURN(store::Committer::Committed committed, committer_.Commit(write));
    if (committed.replayed) return store::ParseStored<v1::Action>(committed.response);
    if (!committed.conflict_key.empty()) {
      // Someone changed the action after we read it: with an etag that is the caller's
      // conflict to resolve; without one, re-apply on the fresh state.
      if (!etag.empty()) return StaleEtag(name);
      return std::nullopt;
    }
    return Present(action);
  });
}

absl::StatusOr<v1::Action> PlanManager::UpdateAction(const v1::UpdateActionRequest& request,
                                                     const auth::Principal& caller) {
  if (request.etag().empty()) {
    return InvalidField("etag", "is required: read the action and send its etag");
  }
  RETURN_IF_ERROR(ValidateRole("actor_role", request.actor_role(), false));
  return ChangeAction(
      request.action().name(), "action.name", request.etag(), request.request_id(), request,
      "UpdateAction", caller, request.actor_role(), kinds::kActionUpdated,
      [&](const v1::Action& current, absl::CivilDay today) -> absl::StatusOr<ActionChange> {
        ASSIGN_OR_RETURN(AppliedUpdate update,
                         ApplyUpdate(current, request.action(), request.update_mask(), today));
        ActionChange change;
        change.unchanged = update.changed_fields.empty();
        change.entry.set_type(update.status_changed ? v1::ACTION_HISTORY_EVENT_TYPE_STATUS_CHANGED
                                                    : v1::ACTION_HISTORY_EVENT_TYPE_UPDATED);
        for (const auto& f : update.changed_fields) change.entry.add_changed_fields(f);
        change.entry.set_previous_status(current.status());
        change.entry.set_new_status(update.action.status());
        change.entry.set_summary(DescribeUpdate(current, update));
        change.action = std::move(update.action);
        return change;
      });
}

absl::StatusOr<v1::Action> PlanManager::AddProgressNote(const v1::AddProgressNoteRequest& request,
                                                        const auth::Principal& caller) {
  RETURN_IF_ERROR(ValidateNoteText(request.text()));
  RETURN_IF_ERROR(ValidateRole("author_role", request.author_role(), true));
  return ChangeAction(
      request.name(), "name", request.etag(), request.request_id(), request, "AddProgressNote",
      caller, request.author_role(), kinds::kActionNoteAdded,
      [&](const v1::Action& current, absl::CivilDay) -> absl::StatusOr<ActionChange> {
        if (current.progress_notes_size() >= kMaxNotesPerAction) {
          return Precondition(request.name(),
                              absl::StrCat("already holds ", kMaxNotesPerAction, " notes"));
        }
        ActionChange change;
        change.action = current;
        v1::ProgressNote* note = change.action.add_progress_notes();
        note->set_text(request.text());
        note->set_author_role(request.author_role());
        *note->mutable_create_time() = ToTimestamp(clock_());
        change.entry.set_type(v1::ACTION_HISTORY_EVENT_TYPE_NOTE_ADDED);
        change.entry.add_changed_fields("progress_notes");
        change.entry.set_previous_status(current.status());
        change.entry.set_new_status(current.status());
        change.entry.set_summary("progress note added");
        return change;
      });
}

absl::StatusOr<v1::ListActionHistoryResponse> PlanManager::ListActionHistory(
    const v1::ListActionHistoryRequest& request) {
  RETURN_IF_ERROR(ParseName(request.name(), kActionPattern, "name").status());
  ASSIGN_OR_RETURN(const int page_size, ResolvePageSize(request.page_size()));
  ASSIGN_OR_RETURN(const std::string cursor, DecodePageToken(request.name(), request.page_token()));
  int64_t start = 0;
  if (!cursor.empty() && (!absl::SimpleAtoi(cursor, &start) || start < 0)) {
    return InvalidField("page_token", "is corrupt");
  }
  ASSIGN_OR_RETURN(auto items,
                   store::ListSequenced<v1::ActionHistoryEntry>(
                       store_.raw(), keys::History(request.name()), start, page_size + 1));
  if (items.empty() && start == 0) return NotFound(request.name());
  v1::ListActionHistoryResponse response;
  for (size_t i = 0; i < items.size() && static_cast<int>(i) < page_size; ++i) {
    if (!items[i].value.has_value()) return absl::DataLossError("corrupt history entry");
    *response.add_entries() = std::move(*items[i].value);
  }
  if (static_cast<int>(items.size()) > page_size) {
    response.set_next_page_token(EncodePageToken(request.name(), absl::StrCat(start + page_size)));
  }
  return response;
}

absl::StatusOr<v1::PlanSummary> PlanManager::GetPlanSummary(
    const v1::GetPlanSummaryRequest& request) {
  RETURN_IF_ERROR(ParseName(request.name(), kPlanPattern, "name").status());
  RETURN_IF_ERROR(store_.ReadPlan(request.name()).status());
  ASSIGN_OR_RETURN(std::vector<std::string> ids, store_.ActionIds(request.name()));
  ASSIGN_OR_RETURN(auto actions, store_.ReadActions(request.name(), ids));
  const absl::Time now = clock_();
  v1::PlanSummary summary = Summarize(request.name(), actions, TodayUtc(now));
  *summary.mutable_compute_time() = ToTimestamp(now);
  return summary;
}

absl::StatusOr<v1::Plan> PlanManager::ChangeShare(
    const std::string& plan_name, const std::string& charity, const std::string& etag,
    const std::string& request_id, const google::protobuf::Message& request,
    const std::string& method, const auth::Principal& caller, bool share) {
  RETURN_IF_ERROR(ParseName(plan_name, kPlanPattern, "name").status());
  RETURN_IF_ERROR(ParseName(charity, "charities/{charity}", "charity").status());
  RETURN_IF_ERROR(ValidateRequestId(request_id));
  const std::string request_key = RequestKey(caller, request_id);
  const std::string fingerprint = RequestFingerprint(method, request);
  ASSIGN_OR_RETURN(auto replay, committer_.FindReplay(request_key, fingerprint));
  if (replay.has_value()) return store::ParseStored<v1::Plan>(replay->response);

  return store::RetryOnConflict<v1::Plan>([&]() -> absl::StatusOr<std::optional<v1::Plan>> {
    ASSIGN_OR_RETURN(auto current, store_.ReadPlan(plan_name));
    if (!etag.empty() && etag != current.value.etag()) return StaleEtag(plan_name);
    v1::Plan plan = current.value;
    std::vector<std::string> grants(plan.shared_with().begin(), plan.shared_with().end());
    const bool has = std::find(grants.begin(), grants.end(), charity) != grants.end();
    if (has == share) return plan;  // already as asked: nothing to change
    if (share) {
      grants.push_back(charity);
      std::sort(grants.begin(), grants.end());
    } else {
      grants.erase(std::remove(grants.begin(), grants.end(), charity), grants.end());
    }
    plan.clear_shared_with();
    for (const auto& g : grants) plan.add_shared_with(g);
    *plan.mutable_update_time() = ToTimestamp(clock_());
    plan.set_etag(RandomId(kIdLength));
    store::AtomicWrite write;
    write.ExpectValue(keys::Plan(plan_name), current.bytes)
        .Set(keys::Plan(plan_name), plan.SerializeAsString());
    if (share) {
      write.ZAdd(keys::Shares(charity), 0, plan_name);
    } else {
      write.ZRem(keys::Shares(charity), plan_name);
    }
    write.Outbox(keys::kOutbox, share ? kinds::kPlanShared : kinds::kPlanUnshared, plan_name,
                 plan.SerializeAsString());
    if (!request_key.empty()) write.Idempotent(request_key, fingerprint, plan.SerializeAsString());
    ASSIGN_OR_RETURN(store::Committer::Committed committed, committer_.Commit(write));
    if (committed.replayed) return store::ParseStored<v1::Plan>(committed.response);
    if (!committed.conflict_key.empty()) {
      if (!etag.empty()) return StaleEtag(plan_name);
      return std::nullopt;
    }
    return plan;
  });
}

absl::StatusOr<v1::Plan> PlanManager::SharePlan(const v1::SharePlanRequest& request,
                                                const auth::Principal& caller) {
  return ChangeShare(request.name(), request.charity(), request.etag(), request.request_id(),
                     request, "SharePlan", caller, /*share=*/true);
}

absl::StatusOr<v1::Plan> PlanManager::UnsharePlan(const v1::UnsharePlanRequest& request,
                                                  const auth::Principal& caller) {
  return ChangeShare(request.name(), request.charity(), request.etag(), request.request_id(),
                     request, "UnsharePlan", caller, /*share=*/false);
}

}  // namespace bridging::actions
