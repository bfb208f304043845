// The rules of an action plan, free of storage and gRPC: field validation (sizes, dates,
// no personal identifiers in free text), status transitions, field-mask updates, overdue,
// and the plan summary computed from the actions themselves.
#pragma once

#include <google/protobuf/field_mask.pb.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "bridging/actions/v1/actions.pb.h"

namespace bridging::actions {

inline constexpr int kMaxActionsPerPlan = 1000;
inline constexpr int kMaxNotesPerAction = 500;

// Title, description of a plan (`field` prefixes messages, e.g. "plan").
absl::Status ValidatePlan(const v1::Plan& plan, const std::string& field);

// Every settable field of an action as it would be stored; `today` bounds dates.
absl::Status ValidateAction(const v1::Action& action, const std::string& field,
                            absl::CivilDay today);

// A role label such as "practice manager": required or not, 1-64 characters, one line, no
// identifiers.
absl::Status ValidateRole(const std::string& field, const std::string& role, bool required);

// A progress note's text.
absl::Status ValidateNoteText(const std::string& text);

// FAILED_PRECONDITION naming action.status if `from` -> `to` does not make sense:
// DONE may reopen to PLANNED, IN_PROGRESS or BLOCKED; DROPPED may be taken up again as
// PLANNED or IN_PROGRESS; the others may go anywhere.
absl::Status CheckTransition(v1::ActionStatus from, v1::ActionStatus to);

// What an update changed, for the history.
struct AppliedUpdate {
  v1::Action action;
  std::vector<std::string> changed_fields;
  bool status_changed = false;
};

// Applies `mask` paths from `patch` onto `current`, then the completion-date rules (DONE
// without a date gets `today`; leaving DONE clears it), then validates the result.
absl::StatusOr<AppliedUpdate> ApplyUpdate(const v1::Action& current, const v1::Action& patch,
                                          const google::protobuf::FieldMask& mask,
                                          absl::CivilDay today);

// Due before today and neither DONE nor DROPPED.
bool IsOverdue(const v1::Action& action, absl::CivilDay today);

// Counts by status, principle and area; overdue; done on/after the due date; co-produced;
// median days from creation to completion over DONE actions.
v1::PlanSummary Summarize(const std::string& plan, const std::vector<v1::Action>& actions,
                          absl::CivilDay today);

// Plain-words description of an update for the history, e.g.
// "status PLANNED -> IN_PROGRESS; due_date 2026-09-30".
std::string DescribeUpdate(const v1::Action& before, const AppliedUpdate& update);

}  // namespace bridging::actions
