// Implements the action plan rules.
#include "services/actions/action_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/common/errors.h"
#include "libs/common/proto_time.h"
#include "libs/common/status_macros.h"
#include "libs/common/text.h"

namespace bridging::actions {
namespace {

using common::v1::Date;

TextLimits Limits(size_t max_chars, bool required, bool newlines) {
  TextLimits limits;
  limits.max_chars = max_chars;
  limits.required = required;
  limits.allow_newlines = newlines;
  return limits;
}

absl::Status CheckFreeText(const std::string& field, const std::string& value, size_t max_chars,
                           bool required, bool newlines) {
  RETURN_IF_ERROR(CheckText(field, value, Limits(max_chars, required, newlines)));
  // A plan is about the practice, never about a patient.
  return RejectPersonalIdentifiers(field, value);
}

std::string DateText(const Date& d) {
  if (d.year() == 0) return "none";
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string StatusName(v1::ActionStatus status) {
  std::string name = v1::ActionStatus_Name(status);
  constexpr absl::string_view kPrefix = "ACTION_STATUS_";
  return name.rfind(kPrefix.data(), 0) == 0 ? name.substr(kPrefix.size()) : name;
}

bool Done(const v1::Action& a) { return a.status() == v1::ACTION_STATUS_DONE; }

}  // namespace

absl::Status ValidatePlan(const v1::Plan& plan, const std::string& field) {
  RETURN_IF_ERROR(CheckFreeText(field + ".title", plan.title(), 200, true, false));
  return CheckFreeText(field + ".description", plan.description(), 4000, false, true);
}

absl::Status ValidateRole(const std::string& field, const std::string& role, bool required) {
  return CheckFreeText(field, role, 64, required, false);
}

absl::Status ValidateNoteText(const std::string& text) {
  return CheckFreeText("text", text, 2000, true, true);
}

absl::Status ValidateAction(const v1::Action& a, const std::string& field, absl::CivilDay today) {
  RETURN_IF_ERROR(CheckFreeText(field + ".title", a.title(), 200, true, false));
  RETURN_IF_ERROR(CheckFreeText(field + ".description", a.description(), 4000, false, true));
  if (a.principle() == common::v1::PRINCIPLE_UNSPECIFIED ||
      !common::v1::Principle_IsValid(a.principle())) {
    return InvalidField(field + ".principle", "must be one of the trauma-informed principles");
  }
  if (a.area() == common::v1::AREA_UNSPECIFIED || !common::v1::Area_IsValid(a.area())) {
    return InvalidField(field + ".area", "must be one of the practice areas");
  }
  if (!v1::ActionStatus_IsValid(a.status()) || a.status() == v1::ACTION_STATUS_UNSPECIFIED) {
    return InvalidField(field + ".status", "must be one of the action statuses");
  }
  if (!v1::ActionSource_IsValid(a.source())) {
    return InvalidField(field + ".source", "must be one of the action sources");
  }
  RETURN_IF_ERROR(ValidateRole(field + ".owner_role", a.owner_role(), true));
  if (!a.has_due_date()) return InvalidField(field + ".due_date", "is required");
  ASSIGN_OR_RETURN(absl::CivilDay due, ToCivilDay(a.due_date(), field + ".due_date"));
  if (due < today - 5 * 366 || due > today + 10 * 366) {
    return InvalidField(field + ".due_date", "must be within five years back and ten ahead");
  }
  if (a.has_completion_date()) {
    if (!Done(a)) {
      return InvalidField(field + ".completion_date", "may be set only when status is DONE");
    }
    ASSIGN_OR_RETURN(absl::CivilDay done,
                     ToCivilDay(a.completion_date(), field + ".completion_date"));
    if (done > today) return InvalidField(field + ".completion_date", "is in the future");
    if (a.has_create_time() &&
        done < absl::ToCivilDay(FromTimestamp(a.create_time()), absl::UTCTimeZone())) {
      return InvalidField(field + ".completion_date", "is before the action was created");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTransition(v1::ActionStatus from, v1::ActionStatus to) {
  if (from == to) return absl::OkStatus();
  const bool allowed = (from == v1::ACTION_STATUS_DONE &&
                        (to == v1::ACTION_STATUS_PLANNED || to == v1::ACTION_STATUS_IN_PROGRESS ||
                         to == v1::ACTION_STATUS_BLOCKED)) ||
                       (from == v1::ACTION_STATUS_DROPPED &&
                        (to == v1::ACTION_STATUS_PLANNED || to == v1::ACTION_STATUS_IN_PROGRESS)) ||
                       (from != v1::ACTION_STATUS_DONE && from != v1::ACTION_STATUS_DROPPED);
  if (allowed) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("action.status: cannot go from ", StatusName(from), " to ", StatusName(to),
                   from == v1::ACTION_STATUS_DONE ? "; reopen it first (IN_PROGRESS or PLANNED)"
                                                  : "; take it up again first (PLANNED)"));
}

absl::StatusOr<AppliedUpdate> ApplyUpdate(const v1::Action& current, const v1::Action& patch,
                                          const google::protobuf::FieldMask& mask,
                                          absl::CivilDay today) {
  if (mask.paths_size() == 0) return InvalidField("update_mask", "must name at least one field");
  AppliedUpdate update;
  update.action = current;
  v1::Action& next = update.action;
  bool completion_given = false;
  for (const std::string& path : mask.paths()) {
    if (path == "title") {
      next.set_title(patch.title());
    } else if (path == "description") {
      next.set_description(patch.description());
    } else if (path == "principle") {
      next.set_principle(patch.principle());
    } else if (path == "area") {
      next.set_area(patch.area());
    } else if (path == "status") {
      next.set_status(patch.status());
    } else if (path == "owner_role") {
      next.set_owner_role(patch.owner_role());
    } else if (path == "due_date") {
      if (patch.has_due_date()) {
        *next.mutable_due_date() = patch.due_date();
      } else {
        next.clear_due_date();
      }
    } else if (path == "completion_date") {
      completion_given = patch.has_completion_date();
      if (completion_given) {
        *next.mutable_completion_date() = patch.completion_date();
      } else {
        next.clear_completion_date();
      }
    } else if (path == "source") {
      next.set_source(patch.source());
    } else if (path == "co_produced") {
      next.set_co_produced(patch.co_produced());
    } else {
      return InvalidField("update_mask",
                          absl::StrCat("cannot update '", path,
                                       "' (progress notes use AddProgressNote; name, times and "
                                       "etag are output only)"));
    }
  }
  if (next.status() == v1::ACTION_STATUS_UNSPECIFIED || !v1::ActionStatus_IsValid(next.status())) {
    return InvalidField("action.status", "must be one of the action statuses");
  }
  RETURN_IF_ERROR(CheckTransition(current.status(), next.status()));
  if (Done(next) && !next.has_completion_date()) {
    *next.mutable_completion_date() = ToDate(today);  // done today unless told otherwise
  }
  if (!Done(next) && next.has_completion_date()) {
    if (completion_given) {
      return InvalidField("action.completion_date", "may be set only when status is DONE");
    }
    next.clear_completion_date();  // reopened: the old completion no longer holds
  }
  RETURN_IF_ERROR(ValidateAction(next, "action", today));

  auto differs = [](const google::protobuf::Message& a, const google::protobuf::Message& b) {
    return a.SerializeAsString() != b.SerializeAsString();
  };
  if (current.title() != next.title()) update.changed_fields.push_back("title");
  if (current.description() != next.description()) update.changed_fields.push_back("description");
  if (current.principle() != next.principle()) update.changed_fields.push_back("principle");
  if (current.area() != next.area()) update.changed_fields.push_back("area");
  if (current.status() != next.status()) update.changed_fields.push_back("status");
  if (current.owner_role() != next.owner_role()) update.changed_fields.push_back("owner_role");
  if (differs(current.due_date(), next.due_date())) update.changed_fields.push_back("due_date");
  if (differs(current.completion_date(), next.completion_date())) {
    update.changed_fields.push_back("completion_date");
  }
  if (current.source() != next.source()) update.changed_fields.push_back("source");
  if (current.co_produced() != next.co_produced()) update.changed_fields.push_back("co_produced");
  update.status_changed = current.status() != next.status();
  return update;
}

bool IsOverdue(const v1::Action& a, absl::CivilDay today) {
  if (Done(a) || a.status() == v1::ACTION_STATUS_DROPPED || !a.has_due_date()) return false;
  auto due = ToCivilDay(a.due_date(), "due_date");
  return due.ok() && *due < today;
}

v1::PlanSummary Summarize(const std::string& plan, const std::vector<v1::Action>& actions,
                          absl::CivilDay today) {
  v1::PlanSummary summary;
  summary.set_plan(plan);
  summary.set_total_actions(static_cast<int32_t>(actions.size()));
  for (int s = v1::ACTION_STATUS_PLANNED; s <= v1::ACTION_STATUS_DROPPED; ++s) {
    auto* count = summary.add_by_status();
    count->set_status(static_cast<v1::ActionStatus>(s));
  }
  for (int p = common::v1::PRINCIPLE_SAFETY; p <= common::v1::PRINCIPLE_CULTURAL_HISTORICAL_GENDER;
       ++p) {
    summary.add_by_principle()->set_principle(static_cast<common::v1::Principle>(p));
  }
  for (int a = common::v1::AREA_ACCESS_REGISTRATION; a <= common::v1::AREA_PARTNERSHIP; ++a) {
    summary.add_by_area()->set_area(static_cast<common::v1::Area>(a));
  }
  std::vector<int64_t> days_to_done;
  for (const v1::Action& a : actions) {
    if (a.status() >= v1::ACTION_STATUS_PLANNED && a.status() <= v1::ACTION_STATUS_DROPPED) {
      auto* c = summary.mutable_by_status(a.status() - 1);
      c->set_count(c->count() + 1);
    }
    if (a.principle() >= common::v1::PRINCIPLE_SAFETY &&
        a.principle() <= common::v1::PRINCIPLE_CULTURAL_HISTORICAL_GENDER) {
      auto* c = summary.mutable_by_principle(a.principle() - 1);
      c->set_count(c->count() + 1);
    }
    if (a.area() >= common::v1::AREA_ACCESS_REGISTRATION &&
        a.area() <= common::v1::AREA_PARTNERSHIP) {
      auto* c = summary.mutable_by_area(a.area() - 1);
      c->set_count(c->count() + 1);
    }
    if (IsOverdue(a, today)) summary.set_overdue(summary.overdue() + 1);
    if (a.co_produced()) summary.set_co_produced(summary.co_produced() + 1);
    if (Done(a) && a.has_completion_date()) {
      auto done = ToCivilDay(a.completion_date(), "completion_date");
      auto due = ToCivilDay(a.due_date(), "due_date");
      if (done.ok() && due.ok()) {
        if (*done <= *due) {
          summary.set_done_on_time(summary.done_on_time() + 1);
        } else {
          summary.set_done_late(summary.done_late() + 1);
        }
        const absl::CivilDay created =
            absl::ToCivilDay(FromTimestamp(a.create_time()), absl::UTCTimeZone());
        days_to_done.push_back(*done - created);
      }
    }
  }
  if (!days_to_done.empty()) {
    std::sort(days_to_done.begin(), days_to_done.end());
    const size_t n = days_to_done.size();
    summary.set_median_days_to_done(n % 2 == 1
                                        ? static_cast<double>(days_to_done[n / 2])
                                        : (days_to_done[n / 2 - 1] + days_to_done[n / 2]) / 2.0);
  }
  return summary;
}

std::string DescribeUpdate(const v1::Action& before, const AppliedUpdate& update) {
  std::vector<std::string> parts;
  const v1::Action& after = update.action;
  for (const std::string& field : update.changed_fields) {
    if (field == "status") {
      parts.push_back(
          absl::StrCat("status ", StatusName(before.status()), " -> ", StatusName(after.status())));
    } else if (field == "due_date") {
      parts.push_back(absl::StrCat("due_date ", DateText(before.due_date()), " -> ",
                                   DateText(after.due_date())));
    } else if (field == "completion_date") {
      parts.push_back(absl::StrCat("completion_date ", DateText(after.completion_date())));
    } else {
      parts.push_back(absl::StrCat(field, " changed"));
    }
  }
  return absl::StrJoin(parts, "; ");
}

}  // namespace bridging::actions
