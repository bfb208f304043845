// Unit tests of action plan rules: validation, transitions, updates, overdue, and summary
// figures checked against values computed by hand.
#include "services/actions/action_rules.h"

#include "gtest/gtest.h"
#include "libs/common/proto_time.h"

namespace bridging::actions {
namespace {

const absl::CivilDay kToday(2026, 6, 15);

common::v1::Date D(int y, int m, int d) {
  common::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

v1::Action Make(v1::ActionStatus status, common::v1::Date due, absl::CivilDay created,
                common::v1::Principle principle = common::v1::PRINCIPLE_SAFETY) {
  v1::Action a;
  a.set_name("practices/p/plans/x/actions/a");
  a.set_title("Offer a longer first appointment");
  a.set_principle(principle);
  a.set_area(common::v1::AREA_APPOINTMENTS);
  a.set_status(status);
  a.set_owner_role("practice manager");
  *a.mutable_due_date() = due;
  *a.mutable_create_time() =
      ToTimestamp(absl::FromCivil(absl::CivilSecond(created), absl::UTCTimeZone()));
  return a;
}

TEST(ActionRulesTest, ValidActionPasses) {
  EXPECT_TRUE(
      ValidateAction(Make(v1::ACTION_STATUS_PLANNED, D(2026, 9, 30), kToday), "action", kToday)
          .ok());
}

TEST(ActionRulesTest, BadFieldsAreNamed) {
  auto expect_field = [](const absl::Status& s, const std::string& field) {
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_NE(s.message().find(field), std::string::npos) << s;
  };
  v1::Action a = Make(v1::ACTION_STATUS_PLANNED, D(2026, 9, 30), kToday);
  a.set_title("");
  expect_field(ValidateAction(a, "action", kToday), "action.title");
  a = Make(v1::ACTION_STATUS_PLANNED, D(2026, 2, 30), kToday);
  expect_field(ValidateAction(a, "action", kToday), "action.due_date");
  a = Make(v1::ACTION_STATUS_PLANNED, D(2040, 1, 1), kToday);
  expect_field(ValidateAction(a, "action", kToday), "action.due_date");
  a = Make(v1::ACTION_STATUS_PLANNED, D(2026, 9, 30), kToday);
  a.set_description("Call Mrs Smith on 07700 900123 about it");
  expect_field(ValidateAction(a, "action", kToday), "action.description");
  a = Make(v1::ACTION_STATUS_PLANNED, D(2026, 9, 30), kToday);
  a.set_owner_role("dr.jones@practice.nhs.uk");
  expect_field(ValidateAction(a, "action", kToday), "action.owner_role");
  a = Make(v1::ACTION_STATUS_PLANNED, D(2026, 9, 30), kToday);
  a.set_principle(static_cast<common::v1::Principle>(99));
  expect_field(ValidateAction(a, "action", kToday), "action.principle");
  a = Make(v1::ACTION_STATUS_PLANNED, D(2026, 9, 30), kToday);
  *a.mutable_completion_date() = D(2026, 6, 1);
  expect_field(ValidateAction(a, "action", kToday), "action.completion_date");
  expect_field(ValidateNoteText("NHS number 943 476 5919 seen today"), "text");
}

TEST(ActionRulesTest, Transitions) {
  using S = v1::ActionStatus;
  EXPECT_TRUE(CheckTransition(S::ACTION_STATUS_PLANNED, S::ACTION_STATUS_DONE).ok());
  EXPECT_TRUE(CheckTransition(S::ACTION_STATUS_DONE, S::ACTION_STATUS_IN_PROGRESS).ok());
  EXPECT_TRUE(CheckTransition(S::ACTION_STATUS_DROPPED, S::ACTION_STATUS_PLANNED).ok());
  EXPECT_EQ(CheckTransition(S::ACTION_STATUS_DONE, S::ACTION_STATUS_DROPPED).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckTransition(S::ACTION_STATUS_DROPPED, S::ACTION_STATUS_DONE).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(ActionRulesTest, DoneRecordsCompletionAndReopeningClearsIt) {
  const v1::Action planned = Make(v1::ACTION_STATUS_IN_PROGRESS, D(2026, 9, 30), kToday - 10);
  google::protobuf::FieldMask mask;
  mask.add_paths("status");
  v1::Action patch;
  patch.set_status(v1::ACTION_STATUS_DONE);
  auto done = ApplyUpdate(planned, patch, mask, kToday);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_TRUE(done->status_changed);
  EXPECT_EQ(done->action.completion_date().day(), 15);
  EXPECT_EQ(DescribeUpdate(planned, *done),
            "status IN_PROGRESS -> DONE; completion_date 2026-06-15");

  patch.set_status(v1::ACTION_STATUS_IN_PROGRESS);
  auto reopened = ApplyUpdate(done->action, patch, mask, kToday);
  ASSERT_TRUE(reopened.ok());
  EXPECT_FALSE(reopened->action.has_completion_date());

  google::protobuf::FieldMask bad;
  bad.add_paths("progress_notes");
  EXPECT_EQ(ApplyUpdate(planned, patch, bad, kToday).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyUpdate(planned, patch, {}, kToday).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Nothing actually changed.
  google::protobuf::FieldMask title;
  title.add_paths("title");
  v1::Action same;
  same.set_title(planned.title());
  auto unchanged = ApplyUpdate(planned, same, title, kToday);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_TRUE(unchanged->changed_fields.empty());
}

TEST(ActionRulesTest, Overdue) {
  EXPECT_TRUE(IsOverdue(Make(v1::ACTION_STATUS_PLANNED, D(2026, 6, 14), kToday), kToday));
  EXPECT_FALSE(IsOverdue(Make(v1::ACTION_STATUS_PLANNED, D(2026, 6, 15), kToday), kToday));
  EXPECT_FALSE(IsOverdue(Make(v1::ACTION_STATUS_DONE, D(2026, 1, 1), kToday), kToday));
  EXPECT_FALSE(IsOverdue(Make(v1::ACTION_STATUS_DROPPED, D(2026, 1, 1), kToday), kToday));
  EXPECT_TRUE(IsOverdue(Make(v1::ACTION_STATUS_BLOCKED, D(2026, 1, 1), kToday), kToday));
}

TEST(ActionRulesTest, SummaryMatchesHandComputedFigures) {
  // Six actions:
  //  a1 DONE, created 2026-01-01, due 2026-03-01, completed 2026-02-01: on time, 31 days
  //  a2 DONE, created 2026-01-01, due 2026-02-01, completed 2026-03-02: late, 60 days
  //  a3 DONE, created 2026-02-01, due 2026-12-31, completed 2026-02-11: on time, 10 days
  //  a4 PLANNED, due 2026-06-01 (before today 2026-06-15): overdue
  //  a5 BLOCKED, due 2026-07-01: not overdue
  //  a6 DROPPED, due 2026-01-01: not overdue (dropped)
  std::vector<v1::Action> actions;
  auto done = [&](absl::CivilDay created, common::v1::Date due, common::v1::Date completed,
                  common::v1::Principle p) {
    v1::Action a = Make(v1::ACTION_STATUS_DONE, due, created, p);
    *a.mutable_completion_date() = completed;
    actions.push_back(a);
  };
  done(absl::CivilDay(2026, 1, 1), D(2026, 3, 1), D(2026, 2, 1), common::v1::PRINCIPLE_SAFETY);
  done(absl::CivilDay(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 2), common::v1::PRINCIPLE_SAFETY);
  done(absl::CivilDay(2026, 2, 1), D(2026, 12, 31), D(2026, 2, 11),
       common::v1::PRINCIPLE_PEER_SUPPORT);
  actions.push_back(Make(v1::ACTION_STATUS_PLANNED, D(2026, 6, 1), absl::CivilDay(2026, 1, 1),
                         common::v1::PRINCIPLE_EMPOWERMENT_VOICE_CHOICE));
  actions.push_back(Make(v1::ACTION_STATUS_BLOCKED, D(2026, 7, 1), absl::CivilDay(2026, 1, 1)));
  v1::Action dropped = Make(v1::ACTION_STATUS_DROPPED, D(2026, 1, 1), absl::CivilDay(2025, 12, 1));
  dropped.set_co_produced(true);
  actions.push_back(dropped);
  actions[0].set_co_produced(true);

  const v1::PlanSummary s = Summarize("practices/p/plans/x", actions, kToday);
  EXPECT_EQ(s.total_actions(), 6);
  ASSERT_EQ(s.by_status_size(), 5);
  EXPECT_EQ(s.by_status(0).count(), 1);  // PLANNED
  EXPECT_EQ(s.by_status(1).count(), 0);  // IN_PROGRESS
  EXPECT_EQ(s.by_status(2).count(), 3);  // DONE
  EXPECT_EQ(s.by_status(3).count(), 1);  // BLOCKED
  EXPECT_EQ(s.by_status(4).count(), 1);  // DROPPED
  ASSERT_EQ(s.by_principle_size(), 6);
  EXPECT_EQ(s.by_principle(0).count(), 4);  // SAFETY: a1, a2, a5, a6
  EXPECT_EQ(s.by_principle(2).count(), 1);  // PEER_SUPPORT
  EXPECT_EQ(s.by_principle(4).count(), 1);  // EMPOWERMENT
  ASSERT_EQ(s.by_area_size(), 7);
  EXPECT_EQ(s.by_area(1).count(), 6);  // APPOINTMENTS
  EXPECT_EQ(s.overdue(), 1);
  EXPECT_EQ(s.done_on_time(), 2);
  EXPECT_EQ(s.done_late(), 1);
  EXPECT_EQ(s.co_produced(), 2);
  ASSERT_TRUE(s.has_median_days_to_done());
  EXPECT_DOUBLE_EQ(s.median_days_to_done(), 31.0);  // median of {10, 31, 60}

  actions.pop_back();
  actions.erase(actions.begin() + 2);  // done: {31, 60} -> median 45.5
  EXPECT_DOUBLE_EQ(Summarize("p", actions, kToday).median_days_to_done(), 45.5);
  EXPECT_FALSE(Summarize("p", {}, kToday).has_median_days_to_done());
}

}  // namespace
}  // namespace bridging::actions
