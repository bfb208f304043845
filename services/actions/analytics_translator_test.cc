// Unit tests of ActionsTranslator: every outbox kind, and that no free text leaks.
#include "services/actions/analytics_translator.h"

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "libs/common/proto_time.h"
#include "services/actions/action_store.h"

namespace bridging::actions {
namespace {

using analytics::v1::Event;

constexpr char kAction[] = "practices/riverside/plans/pl1/actions/a1";

v1::Action Sample() {
  v1::Action a;
  a.set_name(kAction);
  a.set_title("Offer a longer first appointment");
  a.set_description("Agreed with Dr Patel after feedback");
  a.set_principle(common::v1::PRINCIPLE_EMPOWERMENT_VOICE_CHOICE);
  a.set_area(common::v1::AREA_APPOINTMENTS);
  a.set_status(v1::ACTION_STATUS_IN_PROGRESS);
  a.set_owner_role("practice manager");
  a.mutable_due_date()->set_year(2025);
  a.mutable_due_date()->set_month(9);
  a.mutable_due_date()->set_day(30);
  a.set_source(v1::ACTION_SOURCE_CO_PRODUCTION_GROUP);
  a.set_co_produced(true);
  a.add_progress_notes()->set_text("Spoke to the reception team");
  *a.mutable_create_time() =
      ToTimestamp(absl::FromCivil(absl::CivilSecond(2025, 4, 2, 23, 30, 0), absl::UTCTimeZone()));
  *a.mutable_update_time() =
      ToTimestamp(absl::FromCivil(absl::CivilSecond(2025, 5, 1, 9, 0, 0), absl::UTCTimeZone()));
  return a;
}

std::optional<Event> Translate(const std::string& kind, const google::protobuf::Message& payload) {
  absl::StatusOr<std::optional<Event>> event =
      ActionsTranslator().Translate({"1-0", 5, kind, kAction, payload.SerializeAsString()});
  EXPECT_TRUE(event.ok()) << event.status();
  return event.ok() ? *event : std::nullopt;
}

void ExpectNoFreeText(const Event& event) {
  const std::string bytes = event.SerializeAsString();
  for (const char* text :
       {"longer first appointment", "Patel", "practice manager", "reception team"}) {
    EXPECT_FALSE(absl::StrContains(bytes, text)) << text;
  }
}

TEST(ActionsTranslatorTest, ActionCreatedCarriesTheFullAnalysableState) {
  auto event = Translate(kinds::kActionCreated, Sample());
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->kind(), analytics::v1::EVENT_KIND_ACTION_CREATED);
  const auto& a = event->action();
  EXPECT_EQ(a.action(), kAction);  // pseudonymised by the publisher
  EXPECT_EQ(a.practice(), "practices/riverside");
  EXPECT_EQ(a.principle(), common::v1::PRINCIPLE_EMPOWERMENT_VOICE_CHOICE);
  EXPECT_EQ(a.area(), common::v1::AREA_APPOINTMENTS);
  EXPECT_EQ(a.status(), v1::ACTION_STATUS_IN_PROGRESS);
  EXPECT_EQ(a.source(), v1::ACTION_SOURCE_CO_PRODUCTION_GROUP);
  EXPECT_TRUE(a.co_produced());
  EXPECT_EQ(a.create_date().year(), 2025);
  EXPECT_EQ(a.create_date().month(), 4);
  EXPECT_EQ(a.create_date().day(), 2);  // the UTC day of create_time
  EXPECT_EQ(a.due_date().day(), 30);
  EXPECT_FALSE(a.has_completion_date());
  EXPECT_EQ(event->event_time().seconds(), Sample().update_time().seconds());
  ExpectNoFreeText(*event);
}

TEST(ActionsTranslatorTest, EveryOtherActionChangeIsAnUpdate) {
  v1::Action done = Sample();
  done.set_status(v1::ACTION_STATUS_DONE);
  done.mutable_completion_date()->set_year(2025);
  done.mutable_completion_date()->set_month(6);
  done.mutable_completion_date()->set_day(3);
  auto event = Translate(kinds::kActionUpdated, done);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->kind(), analytics::v1::EVENT_KIND_ACTION_UPDATED);
  EXPECT_EQ(event->action().status(), v1::ACTION_STATUS_DONE);
  EXPECT_EQ(event->action().completion_date().day(), 3);
  ExpectNoFreeText(*event);

  // A completion date is reported only for DONE actions.
  v1::Action reopened = done;
  reopened.set_status(v1::ACTION_STATUS_BLOCKED);
  event = Translate(kinds::kActionUpdated, reopened);
  ASSERT_TRUE(event.has_value());
  EXPECT_FALSE(event->action().has_completion_date());

  event = Translate(kinds::kActionNoteAdded, Sample());
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->kind(), analytics::v1::EVENT_KIND_ACTION_UPDATED);
  ExpectNoFreeText(*event);
}

TEST(ActionsTranslatorTest, PlanChangesProduceNoEvent) {
  v1::Plan plan;
  plan.set_name("practices/riverside/plans/pl1");
  plan.set_title("Trauma-informed access");
  for (const char* kind : {kinds::kPlanCreated, kinds::kPlanShared, kinds::kPlanUnshared,
                           "plan.renamed", "something.else"}) {
    EXPECT_FALSE(Translate(kind, plan).has_value()) << kind;
  }
}

TEST(ActionsTranslatorTest, UnreadableEntriesAreErrors) {
  ActionsTranslator translator;
  EXPECT_FALSE(translator.Translate({"1-0", 2, kinds::kActionUpdated, kAction, "\xff\xff"}).ok());
  v1::Action nameless = Sample();
  nameless.clear_name();
  EXPECT_FALSE(
      translator.Translate({"1-0", 2, kinds::kActionUpdated, kAction, nameless.SerializeAsString()})
          .ok());
}

}  // namespace
}  // namespace bridging::actions
