// The demo practices: three GP practices with trauma-informed action plans across every
// principle and area, in every status, one plan shared with the charity. Loaded through
// the public actions API with fixed request_ids, so loading twice changes nothing.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bridging/actions/v1/actions.grpc.pb.h"
#include "libs/auth/principal.h"
#include "libs/common/proto_time.h"
#include "scripts/demo/demo.h"

namespace bridging::demo {
namespace {

using actions::v1::ActionPlanService;
using common::v1::Area;
using common::v1::Principle;

struct DemoAction {
  const char* title;
  Principle principle;
  Area area;
  actions::v1::ActionStatus status;
  int due_in_days;
  bool co_produced;
};

const std::vector<DemoAction>& Actions() {
  using namespace common::v1;
  using namespace actions::v1;
  static const auto* list = new std::vector<DemoAction>{
      {"Register patients without proof of address", PRINCIPLE_SAFETY, AREA_ACCESS_REGISTRATION,
       ACTION_STATUS_DONE, 20, true},
      {"Offer a longer first appointment", PRINCIPLE_EMPOWERMENT_VOICE_CHOICE, AREA_APPOINTMENTS,
       ACTION_STATUS_IN_PROGRESS, 45, true},
      {"Offer a chaperone for every intimate examination", PRINCIPLE_SAFETY, AREA_CLINICAL_CARE,
       ACTION_STATUS_DONE, 60, false},
      {"Trauma-informed training for all reception staff", PRINCIPLE_TRUSTWORTHINESS_TRANSPARENCY,
       AREA_STAFF_TRAINING, ACTION_STATUS_PLANNED, 90, true},
      {"A quiet waiting space on request", PRINCIPLE_SAFETY, AREA_RECEPTION_ENVIRONMENT,
       ACTION_STATUS_BLOCKED, -5, true},
      {"Peer supporter at the Tuesday drop-in", PRINCIPLE_PEER_SUPPORT, AREA_PARTNERSHIP,
       ACTION_STATUS_IN_PROGRESS, 30, true},
      {"Plan changes together with the co-production group", PRINCIPLE_COLLABORATION_MUTUALITY,
       AREA_PARTNERSHIP, ACTION_STATUS_PLANNED, 120, true},
      {"Texts instead of letters for people without a fixed address",
       PRINCIPLE_CULTURAL_HISTORICAL_GENDER, AREA_COMMUNICATION, ACTION_STATUS_DONE, -10, false},
      {"Ask which name and pronouns to use, and record them", PRINCIPLE_CULTURAL_HISTORICAL_GENDER,
       AREA_COMMUNICATION, ACTION_STATUS_DROPPED, 10, false},
  };
  return *list;
}

bool Check(const grpc::Status& status, const std::string& what) {
  if (status.ok()) return true;
  std::cerr << what << ": " << status.error_message() << "\n";
  return false;
}

}  // namespace

bool LoadActionsDemo(const std::shared_ptr<grpc::Channel>& channel, const std::string& secret) {
  using namespace actions::v1;
  auto stub = ActionPlanService::NewStub(channel);
  const auth::PrincipalCodec codec(secret);
  const std::vector<std::string> practices = {"practices/riverside", "practices/hillview",
                                              "practices/canalside"};
  const absl::CivilDay today = TodayUtc(absl::Now());
  for (size_t p = 0; p < practices.size(); ++p) {
    const std::string& practice = practices[p];
    auto context = [&] {
      auto c = std::make_unique<grpc::ClientContext>();
      c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      codec.Attach({practice, common::v1::ROLE_PRACTICE}, c.get());
      return c;
    };
    CreatePlanRequest create_plan;
    create_plan.set_parent(practice);
    create_plan.mutable_plan()->set_title("Trauma-informed access and care");
    create_plan.mutable_plan()->set_description(
        "Changes agreed with the co-production group of women with lived experience.");
    create_plan.set_request_id("demo-plan");
    Plan plan;
    if (!Check(stub->CreatePlan(context().get(), create_plan, &plan), practice)) return false;
    // Each practice takes a different share of the list, so their summaries differ.
    for (size_t i = p; i < Actions().size(); i += (p == 0 ? 1 : 2)) {
      const DemoAction& d = Actions()[i];
      CreateActionRequest create;
      create.set_parent(plan.name());
      create.set_request_id(absl::StrCat("demo-action-", i));
      create.set_actor_role("practice manager");
      Action* a = create.mutable_action();
      a->set_title(d.title);
      a->set_principle(d.principle);
      a->set_area(d.area);
      a->set_owner_role(i % 2 ? "reception lead" : "practice manager");
      a->set_source(d.co_produced ? ACTION_SOURCE_CO_PRODUCTION_GROUP : ACTION_SOURCE_STAFF);
      a->set_co_produced(d.co_produced);
      a->set_status(d.status == ACTION_STATUS_DROPPED ? ACTION_STATUS_PLANNED : d.status);
      *a->mutable_due_date() = ToDate(today + d.due_in_days);
      Action action;
      if (!Check(stub->CreateAction(context().get(), create, &action), d.title)) return false;
      if (d.status == ACTION_STATUS_DROPPED && action.status() != ACTION_STATUS_DROPPED) {
        UpdateActionRequest drop;
        drop.mutable_action()->set_name(action.name());
        drop.mutable_action()->set_status(ACTION_STATUS_DROPPED);
        drop.mutable_update_mask()->add_paths("status");
        drop.set_etag(action.etag());
        drop.set_actor_role("practice manager");
        drop.set_request_id(absl::StrCat("demo-drop-", i));
        if (!Check(stub->UpdateAction(context().get(), drop, &action), "drop")) return false;
      }
      if (d.status == ACTION_STATUS_IN_PROGRESS) {
        AddProgressNoteRequest note;
        note.set_name(action.name());
        note.set_text("Agreed at the practice meeting; first changes made this month.");
        note.set_author_role("practice manager");
        note.set_request_id(absl::StrCat("demo-note-", i));
        if (!Check(stub->AddProgressNote(context().get(), note, &action), "note")) return false;
      }
    }
    if (p == 0) {
      SharePlanRequest share;
      share.set_name(plan.name());
      share.set_charity(kCharity);
      share.set_request_id("demo-share");
      if (!Check(stub->SharePlan(context().get(), share, &plan), "share")) return false;
    }
    GetPlanSummaryRequest summary_request;
    summary_request.set_name(plan.name());
    PlanSummary summary;
    if (!Check(stub->GetPlanSummary(context().get(), summary_request, &summary), "summary")) {
      return false;
    }
    std::cout << "  " << plan.name() << ": " << summary.total_actions() << " actions, "
              << summary.by_status(2).count() << " done (" << summary.done_on_time()
              << " on time), " << summary.overdue() << " overdue"
              << (plan.shared_with_size() ? ", shared with " + plan.shared_with(0) : "") << "\n";
  }
  return true;
}

}  // namespace bridging::demo
