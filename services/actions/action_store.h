// The actions service's view of its Redis: key names, reads of plans and actions, and the
// share-grant check the policy enforcer asks for charity reads. Writes go through
// store::Committer so a change, its history entry and its outbox event land together.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "bridging/actions/v1/actions.pb.h"
#include "libs/store/store.h"

namespace bridging::actions {

// Redis keys: actions:<collection>:<id>.
namespace keys {
inline constexpr char kPrefix[] = "actions";
inline constexpr char kSequence[] = "actions:sequence";
inline constexpr char kOutbox[] = "actions:outbox";
std::string Plan(const std::string& plan);
std::string PracticePlans(const std::string& practice);  // ZSET of plan ids, lexical
std::string Action(const std::string& action);
std::string PlanActions(const std::string& plan);  // ZSET of action ids, score = due day
std::string History(const std::string& action);
std::string Shares(const std::string& charity);  // ZSET of plan names shared with it
}  // namespace keys

// Kinds of actions:outbox entries; the payload of each is named beside it. The analytics
// translator (analytics_translator.h) reads them.
namespace kinds {
inline constexpr char kPlanCreated[] = "plan.created";           // Plan
inline constexpr char kPlanShared[] = "plan.shared";             // Plan
inline constexpr char kPlanUnshared[] = "plan.unshared";         // Plan
inline constexpr char kActionCreated[] = "action.created";       // Action
inline constexpr char kActionUpdated[] = "action.updated";       // Action
inline constexpr char kActionNoteAdded[] = "action.note_added";  // Action
}  // namespace kinds

// "practices/p/plans/x" for an action or plan name (the first four segments).
std::string PlanOf(const std::string& name);

// Score of an action in its plan's index: the due date as days since 1970-01-01.
double DueScore(const v1::Action& action);

class ActionStore {
 public:
  explicit ActionStore(store::Store& store) : store_(store) {}
  store::Store& raw() { return store_; }

  // The stored bytes and parsed record (bytes are the precondition of a later write).
  template <typename T>
  struct Read {
    std::string bytes;
    T value;
  };
  absl::StatusOr<Read<v1::Plan>> ReadPlan(const std::string& plan);
  absl::StatusOr<Read<v1::Action>> ReadAction(const std::string& action);

  // Ids of the plan's actions in (due date, id) order.
  absl::StatusOr<std::vector<std::string>> ActionIds(const std::string& plan);

  // The actions with these ids, in the same order (missing ones skipped).
  absl::StatusOr<std::vector<v1::Action>> ReadActions(const std::string& plan,
                                                      const std::vector<std::string>& ids);

  // True if `organization` (a charity) holds a read grant on `resource`: a plan or anything
  // under it; for a practice name, any plan of that practice.
  absl::StatusOr<bool> HasShare(const std::string& organization, const std::string& resource);

 private:
  store::Store& store_;
};

}  // namespace bridging::actions
