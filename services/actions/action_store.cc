// Implements the actions service's reads and the share-grant check.
#include "services/actions/action_store.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/common/proto_time.h"
#include "libs/common/resource_name.h"
#include "libs/store/proto_reads.h"

namespace bridging::actions {
namespace keys {

std::string Plan(const std::string& plan) { return absl::StrCat("actions:plan:", plan); }
std::string PracticePlans(const std::string& practice) {
  return absl::StrCat("actions:plans:", practice);
}
std::string Action(const std::string& action) { return absl::StrCat("actions:action:", action); }
std::string PlanActions(const std::string& plan) {
  return absl::StrCat("actions:plan_actions:", plan);
}
std::string History(const std::string& action) { return absl::StrCat("actions:history:", action); }
std::string Shares(const std::string& charity) { return absl::StrCat("actions:shares:", charity); }

}  // namespace keys

std::string PlanOf(const std::string& name) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() < 4) return "";
  return absl::StrCat(parts[0], "/", parts[1], "/", parts[2], "/", parts[3]);
}

double DueScore(const v1::Action& action) {
  auto day = ToCivilDay(action.due_date(), "due_date");
  return day.ok() ? static_cast<double>(*day - absl::CivilDay(1970, 1, 1)) : 0;
}

template <typename T>
static absl::StatusOr<ActionStore::Read<T>> ReadRecord(store::Store& store, const std::string& key,
                                                       const std::string& name) {
  absl::StatusOr<store::Reply> reply = store.Command({"GET", key});
  if (!reply.ok()) return reply.status();
  if (reply->is_nil()) return absl::NotFoundError(absl::StrCat(name, " not found"));
  ActionStore::Read<T> read;
  read.bytes = reply->str;
  if (!read.value.ParseFromString(read.bytes)) return absl::DataLossError("corrupt record");
  return read;
}

absl::StatusOr<ActionStore::Read<v1::Plan>> ActionStore::ReadPlan(const std::string& plan) {
  return ReadRecord<v1::Plan>(store_, keys::Plan(plan), plan);
}

absl::StatusOr<ActionStore::Read<v1::Action>> ActionStore::ReadAction(const std::string& action) {
  return ReadRecord<v1::Action>(store_, keys::Action(action), action);
}

absl::StatusOr<std::vector<std::string>> ActionStore::ActionIds(const std::string& plan) {
  // ZRANGE orders equal scores (same due date) by member, i.e. by id.
  absl::StatusOr<store::Reply> reply =
      store_.Command({"ZRANGE", keys::PlanActions(plan), "0", "-1"});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> ids;
  ids.reserve(reply->elements.size());
  for (const auto& element : reply->elements) ids.push_back(element.str);
  return ids;
}

absl::StatusOr<std::vector<v1::Action>> ActionStore::ReadActions(
    const std::string& plan, const std::vector<std::string>& ids) {
  std::vector<std::string> action_keys;
  action_keys.reserve(ids.size());
  for (const auto& id : ids)
    action_keys.push_back(keys::Action(absl::StrCat(plan, "/actions/", id)));
  return store::GetProtos<v1::Action>(store_, action_keys);
}

absl::StatusOr<bool> ActionStore::HasShare(const std::string& organization,
                                           const std::string& resource) {
  if (OwnerOf(organization) != organization || organization.rfind("charities/", 0) != 0) {
    return false;  // only charities receive shares
  }
  const std::string plan = PlanOf(resource);
  if (plan.empty()) {
    // A practice name: does the charity hold any grant under it?
    absl::StatusOr<store::Reply> reply = store_.Command(
        {"ZRANGEBYLEX", keys::Shares(organization), absl::StrCat("[", resource, "/plans/"),
         absl::StrCat("[", resource, "/plans/\xff"), "LIMIT", "0", "1"});
    if (!reply.ok()) return reply.status();
    return !reply->elements.empty();
  }
  absl::StatusOr<store::Reply> reply = store_.Command({"ZSCORE", keys::Shares(organization), plan});
  if (!reply.ok()) return reply.status();
  return !reply->is_nil();
}

}  // namespace bridging::actions
