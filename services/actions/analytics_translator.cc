// Implements ActionsTranslator: ACTION_CREATED, then ACTION_UPDATED for every change.
#include "services/actions/analytics_translator.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "bridging/actions/v1/actions.pb.h"
#include "libs/common/proto_time.h"
#include "libs/common/resource_name.h"
#include "services/actions/action_store.h"

namespace bridging::actions {

absl::StatusOr<std::optional<analytics::v1::Event>> ActionsTranslator::Translate(
    const outbox::OutboxEntry& entry) const {
  // Plans carry only free text and grants: nothing analytics counts.
  if (entry.kind.rfind("action.", 0) != 0) return std::nullopt;
  v1::Action action;
  if (!action.ParseFromString(entry.payload)) {
    return absl::DataLossError("payload is not an Action");
  }
  const std::string practice = OwnerOf(action.name());
  if (action.name().empty() || practice.rfind("practices/", 0) != 0) {
    return absl::DataLossError("action has no practice in its name");
  }
  analytics::v1::Event event;
  event.set_kind(entry.kind == kinds::kActionCreated ? analytics::v1::EVENT_KIND_ACTION_CREATED
                                                     : analytics::v1::EVENT_KIND_ACTION_UPDATED);
  if (action.has_update_time()) *event.mutable_event_time() = action.update_time();
  auto* out = event.mutable_action();
  out->set_action(action.name());
  out->set_practice(practice);
  out->set_principle(action.principle());
  out->set_area(action.area());
  out->set_status(action.status());
  out->set_source(action.source());
  out->set_co_produced(action.co_produced());
  if (action.has_create_time()) {
    *out->mutable_create_date() = ToDate(TodayUtc(FromTimestamp(action.create_time())));
  }
  if (action.has_due_date()) *out->mutable_due_date() = action.due_date();
  if (action.status() == v1::ACTION_STATUS_DONE && action.has_completion_date()) {
    *out->mutable_completion_date() = action.completion_date();
  }
  return event;
}

}  // namespace bridging::actions
