// Integration tests of the actions service: real redis-server, real gRPC over loopback,
// callers signed as practices and charities, a controllable clock for dates.
#include "services/actions/actions_service.h"

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bridging/actions/v1/actions.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/common/proto_time.h"
#include "libs/server/service_host.h"
#include "libs/store/redis_store.h"
#include "libs/testing/probes.h"
#include "libs/testing/redis_server.h"
#include "libs/testing/test_store.h"
#include "services/actions/action_store.h"

namespace bridging::actions {
namespace {

using grpc::StatusCode;

constexpr char kRiverside[] = "practices/riverside";
constexpr char kHillview[] = "practices/hillview";
constexpr char kCharity[] = "charities/sunflower";

class ActionsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    store_ = testing::ConnectTestStore(*redis_);
    codec_ = std::make_unique<auth::PrincipalCodec>(std::string(48, 'k'));
    manager_ = std::make_unique<PlanManager>(*store_, [this] { return Now(); });
    service_ = std::make_unique<ActionPlanServiceImpl>(manager_.get(), codec_.get());
    server::ServiceHostOptions host_options;
    host_options.service_name = "actions";
    host_options.readiness_interval = absl::Milliseconds(50);
    host_ = std::make_unique<server::ServiceHost>(host_options);
    host_->AddService(service_.get());
    host_->AddReadinessCheck("redis", [this] { return store_->Ping(); });
    ASSERT_TRUE(host_->Start().ok());
    stub_ = v1::ActionPlanService::NewStub(testing::LoopbackChannel(host_->port()));
  }
  void TearDown() override { host_->Shutdown(); }

  absl::Time Now() const { return absl::FromUnixSeconds(1780000000) + absl::Hours(24 * days_); }
  absl::CivilDay Today() const { return TodayUtc(Now()); }
  common::v1::Date InDays(int n) const { return ToDate(Today() + n); }

  std::unique_ptr<grpc::ClientContext> As(const std::string& org, common::v1::Role role) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    codec_->Attach({org, role}, context.get());
    return context;
  }
  std::unique_ptr<grpc::ClientContext> Practice(const std::string& org = kRiverside) {
    return As(org, common::v1::ROLE_PRACTICE);
  }
  std::unique_ptr<grpc::ClientContext> Charity() { return As(kCharity, common::v1::ROLE_CHARITY); }

  v1::Plan NewPlan(const std::string& practice = kRiverside) {
    v1::CreatePlanRequest request;
    request.set_parent(practice);
    request.mutable_plan()->set_title("Trauma-informed access 2026/27");
    v1::Plan plan;
    const grpc::Status s = stub_->CreatePlan(Practice(practice).get(), request, &plan);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return plan;
  }
  v1::Action NewAction(const v1::Plan& plan, common::v1::Principle principle, int due_in_days,
                       common::v1::Area area = common::v1::AREA_APPOINTMENTS,
                       const std::string& request_id = "") {
    v1::CreateActionRequest request;
    request.set_parent(plan.name());
    request.set_request_id(request_id);
    request.set_actor_role("practice manager");
    v1::Action* a = request.mutable_action();
    a->set_title("Offer a longer first appointment");
    a->set_principle(principle);
    a->set_area(area);
    a->set_owner_role("practice manager");
    a->set_source(v1::ACTION_SOURCE_CO_PRODUCTION_GROUP);
    *a->mutable_due_date() = InDays(due_in_days);
    v1::Action action;
    const grpc::Status s = stub_->CreateAction(Practice(OwnerOfPlan(plan)).get(), request, &action);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return action;
  }
  static std::string OwnerOfPlan(const v1::Plan& plan) {
    return plan.name().substr(0, plan.name().find("/plans/"));
  }
  grpc::Status SetStatus(const v1::Action& action, v1::ActionStatus status, v1::Action* out) {
    v1::UpdateActionRequest request;
    request.mutable_action()->set_name(action.name());
    request.mutable_action()->set_status(status);
    request.mutable_update_mask()->add_paths("status");
    request.set_etag(action.etag());
    request.set_actor_role("practice manager");
    return stub_->UpdateAction(Practice().get(), request, out);
  }
  std::vector<v1::Action> ListAll(v1::ListActionsRequest request, int page_size, int* pages) {
    std::vector<v1::Action> all;
    request.set_page_size(page_size);
    *pages = 0;
    do {
      v1::ListActionsResponse response;
      const grpc::Status s = stub_->ListActions(Practice().get(), request, &response);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) break;
      all.insert(all.end(), response.actions().begin(), response.actions().end());
      request.set_page_token(response.next_page_token());
      ++*pages;
    } while (!request.page_token().empty());
    return all;
  }

  int days_ = 0;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<store::RedisStore> store_;
  std::unique_ptr<auth::PrincipalCodec> codec_;
  std::unique_ptr<PlanManager> manager_;
  std::unique_ptr<ActionPlanServiceImpl> service_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<v1::ActionPlanService::Stub> stub_;
};

TEST_F(ActionsServiceTest, LifeCycleAndCompleteHistory) {
  const v1::Plan plan = NewPlan();
  EXPECT_EQ(plan.name().rfind("practices/riverside/plans/", 0), 0u);
  v1::Action action = NewAction(plan, common::v1::PRINCIPLE_SAFETY, 30);
  EXPECT_EQ(action.status(), v1::ACTION_STATUS_PLANNED);

  v1::Action next;
  ASSERT_TRUE(SetStatus(action, v1::ACTION_STATUS_IN_PROGRESS, &next).ok());
  action = next;
  v1::AddProgressNoteRequest note;
  note.set_name(action.name());
  note.set_text("Reception rota changed so first appointments can run to 20 minutes.");
  note.set_author_role("reception lead");
  ASSERT_TRUE(stub_->AddProgressNote(Practice().get(), note, &action).ok());
  ASSERT_EQ(action.progress_notes_size(), 1);
  ASSERT_TRUE(SetStatus(action, v1::ACTION_STATUS_DONE, &next).ok());
  EXPECT_EQ(next.completion_date().day(), Today().day());
  action = next;
  ASSERT_TRUE(SetStatus(action, v1::ACTION_STATUS_IN_PROGRESS, &next).ok());  // reopened
  EXPECT_FALSE(next.has_completion_date());

  v1::ListActionHistoryRequest history_request;
  history_request.set_name(action.name());
  history_request.set_page_size(2);
  std::vector<v1::ActionHistoryEntry> history;
  do {
    v1::ListActionHistoryResponse page;
    ASSERT_TRUE(stub_->ListActionHistory(Practice().get(), history_request, &page).ok());
    history.insert(history.end(), page.entries().begin(), page.entries().end());
    history_request.set_page_token(page.next_page_token());
  } while (!history_request.page_token().empty());
  ASSERT_EQ(history.size(), 5u);
  const std::vector<v1::ActionHistoryEventType> types = {
      v1::ACTION_HISTORY_EVENT_TYPE_CREATED, v1::ACTION_HISTORY_EVENT_TYPE_STATUS_CHANGED,
      v1::ACTION_HISTORY_EVENT_TYPE_NOTE_ADDED, v1::ACTION_HISTORY_EVENT_TYPE_STATUS_CHANGED,
      v1::ACTION_HISTORY_EVENT_TYPE_STATUS_CHANGED};
  for (size_t i = 0; i < history.size(); ++i) {
    EXPECT_EQ(history[i].index(), static_cast<int64_t>(i));
    EXPECT_EQ(history[i].type(), types[i]) << i;
    EXPECT_EQ(history[i].caller_role(), common::v1::ROLE_PRACTICE);
    EXPECT_FALSE(history[i].actor_role().empty());
  }
  EXPECT_EQ(history[2].actor_role(), "reception lead");
  EXPECT_EQ(history[3].previous_status(), v1::ACTION_STATUS_IN_PROGRESS);
  EXPECT_EQ(history[3].new_status(), v1::ACTION_STATUS_DONE);
  EXPECT_EQ(history[4].summary(), "status DONE -> IN_PROGRESS; completion_date none");

  // One outbox event per change, stamped in sequence.
  auto outbox = store_->Command({"XLEN", keys::kOutbox});
  ASSERT_TRUE(outbox.ok());
  EXPECT_EQ(outbox->integer, 6);  // plan + 5 action changes
}

TEST_F(ActionsServiceTest, FiltersAndPagination) {
  const v1::Plan plan = NewPlan();
  std::set<std::string> all_names;
  for (int i = 0; i < 25; ++i) {
    const auto principle = static_cast<common::v1::Principle>(1 + i % 6);
    const auto area = static_cast<common::v1::Area>(1 + i % 7);
    all_names.insert(NewAction(plan, principle, i - 5, area).name());  // 5 are already past due
  }
  v1::ListActionsRequest request;
  request.set_parent(plan.name());
  int pages = 0;
  std::vector<v1::Action> all = ListAll(request, 7, &pages);
  EXPECT_EQ(pages, 4);
  ASSERT_EQ(all.size(), 25u);
  std::set<std::string> seen;
  for (size_t i = 0; i < all.size(); ++i) {
    seen.insert(all[i].name());
    if (i > 0) {  // ordered by due date
      EXPECT_LE(DueScore(all[i - 1]), DueScore(all[i]));
    }
  }
  EXPECT_EQ(seen, all_names);

  request.set_principle(common::v1::PRINCIPLE_PEER_SUPPORT);  // i % 6 == 2: i = 2, 8, 14, 20
  EXPECT_EQ(ListAll(request, 3, &pages).size(), 4u);
  request.set_area(common::v1::AREA_APPOINTMENTS);  // and i % 7 == 1: i = 8
  auto both = ListAll(request, 3, &pages);
  ASSERT_EQ(both.size(), 1u);
  request.clear_principle();
  request.clear_area();
  request.set_overdue(true);  // due i - 5 < 0: i = 0..4
  auto overdue = ListAll(request, 2, &pages);
  EXPECT_EQ(overdue.size(), 5u);
  for (const auto& a : overdue) EXPECT_TRUE(a.overdue());
  request.set_overdue(false);
  request.set_status(v1::ACTION_STATUS_DONE);
  EXPECT_EQ(ListAll(request, 5, &pages).size(), 0u);

  // A token from one filter is refused by another.
  v1::ListActionsRequest first;
  first.set_parent(plan.name());
  first.set_page_size(5);
  v1::ListActionsResponse page;
  ASSERT_TRUE(stub_->ListActions(Practice().get(), first, &page).ok());
  first.set_page_token(page.next_page_token());
  first.set_principle(common::v1::PRINCIPLE_SAFETY);
  EXPECT_EQ(stub_->ListActions(Practice().get(), first, &page).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST_F(ActionsServiceTest, EtagRaceBetweenTwoClients) {
  const v1::Plan plan = NewPlan();
  const v1::Action action = NewAction(plan, common::v1::PRINCIPLE_SAFETY, 30);
  std::atomic<int> ok{0}, aborted{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 2; ++i) {
    clients.emplace_back([&, i] {
      v1::UpdateActionRequest request;
      request.mutable_action()->set_name(action.name());
      // Both change the owner (neither to its current value, which would be a no-op).
      request.mutable_action()->set_owner_role(i == 0 ? "nurse lead" : "reception lead");
      request.mutable_update_mask()->add_paths("owner_role");
      request.set_etag(action.etag());
      v1::Action out;
      const grpc::Status s = stub_->UpdateAction(Practice().get(), request, &out);
      if (s.ok()) ++ok;
      if (s.error_code() == StatusCode::ABORTED) ++aborted;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(aborted.load(), 1);

  v1::UpdateActionRequest no_etag;
  no_etag.mutable_action()->set_name(action.name());
  no_etag.mutable_update_mask()->add_paths("title");
  no_etag.mutable_action()->set_title("x");
  v1::Action out;
  const grpc::Status s = stub_->UpdateAction(Practice().get(), no_etag, &out);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("etag"), std::string::npos);
}

TEST_F(ActionsServiceTest, AnotherPracticeIsDeniedEveryMethod) {
  const v1::Plan plan = NewPlan();
  const v1::Action action = NewAction(plan, common::v1::PRINCIPLE_SAFETY, 30);
  auto other = [&] { return Practice(kHillview); };
  v1::Plan plan_out;
  v1::Action action_out;
  std::vector<grpc::Status> results;
  {
    v1::CreatePlanRequest r;
    r.set_parent(kRiverside);
    r.mutable_plan()->set_title("x");
    results.push_back(stub_->CreatePlan(other().get(), r, &plan_out));
  }
  {
    v1::GetPlanRequest r;
    r.set_name(plan.name());
    results.push_back(stub_->GetPlan(other().get(), r, &plan_out));
  }
  {
    v1::ListPlansRequest r;
    r.set_parent(kRiverside);
    v1::ListPlansResponse out;
    results.push_back(stub_->ListPlans(other().get(), r, &out));
  }
  {
    v1::CreateActionRequest r;
    r.set_parent(plan.name());
    results.push_back(stub_->CreateAction(other().get(), r, &action_out));
  }
  {
    v1::GetActionRequest r;
    r.set_name(action.name());
    results.push_back(stub_->GetAction(other().get(), r, &action_out));
  }
  {
    v1::ListActionsRequest r;
    r.set_parent(plan.name());
    v1::ListActionsResponse out;
    results.push_back(stub_->ListActions(other().get(), r, &out));
  }
  {
    v1::UpdateActionRequest r;
    r.mutable_action()->set_name(action.name());
    r.mutable_update_mask()->add_paths("title");
    r.set_etag(action.etag());
    results.push_back(stub_->UpdateAction(other().get(), r, &action_out));
  }
  {
    v1::AddProgressNoteRequest r;
    r.set_name(action.name());
    r.set_text("x");
    r.set_author_role("x");
    results.push_back(stub_->AddProgressNote(other().get(), r, &action_out));
  }
  {
    v1::ListActionHistoryRequest r;
    r.set_name(action.name());
    v1::ListActionHistoryResponse out;
    results.push_back(stub_->ListActionHistory(other().get(), r, &out));
  }
  {
    v1::GetPlanSummaryRequest r;
    r.set_name(plan.name());
    v1::PlanSummary out;
    results.push_back(stub_->GetPlanSummary(other().get(), r, &out));
  }
  {
    v1::SharePlanRequest r;
    r.set_name(plan.name());
    r.set_charity(kCharity);
    results.push_back(stub_->SharePlan(other().get(), r, &plan_out));
  }
  {
    v1::UnsharePlanRequest r;
    r.set_name(plan.name());
    r.set_charity(kCharity);
    results.push_back(stub_->UnsharePlan(other().get(), r, &plan_out));
  }
  // Every method of the service is in the list above.
  ASSERT_EQ(results.size(),
            static_cast<size_t>(google::protobuf::DescriptorPool::generated_pool()
                                    ->FindServiceByName(v1::ActionPlanService::service_full_name())
                                    ->method_count()));
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].error_code(), StatusCode::PERMISSION_DENIED) << "method " << i;
  }
  EXPECT_TRUE(plan_out.name().empty());
  EXPECT_TRUE(action_out.name().empty());
  // Nothing changed.
  v1::GetActionRequest get;
  get.set_name(action.name());
  ASSERT_TRUE(stub_->GetAction(Practice().get(), get, &action_out).ok());
  EXPECT_EQ(action_out.etag(), action.etag());
}

TEST_F(ActionsServiceTest, SharedPlansAreReadOnlyForTheCharity) {
  const v1::Plan shared = NewPlan();
  const v1::Plan unshared = NewPlan();
  const v1::Action action = NewAction(shared, common::v1::PRINCIPLE_SAFETY, 30);
  v1::GetPlanRequest get;
  get.set_name(shared.name());
  v1::Plan out;
  EXPECT_EQ(stub_->GetPlan(Charity().get(), get, &out).error_code(), StatusCode::PERMISSION_DENIED);

  v1::SharePlanRequest share;
  share.set_name(shared.name());
  share.set_charity(kCharity);
  ASSERT_TRUE(stub_->SharePlan(Practice().get(), share, &out).ok());
  ASSERT_EQ(out.shared_with_size(), 1);
  ASSERT_TRUE(stub_->SharePlan(Practice().get(), share, &out).ok());  // idempotent
  EXPECT_EQ(out.shared_with_size(), 1);

  ASSERT_TRUE(stub_->GetPlan(Charity().get(), get, &out).ok());
  EXPECT_EQ(out.shared_with_size(), 0);  // the practice's grant list is its own
  v1::ListActionsRequest list;
  list.set_parent(shared.name());
  v1::ListActionsResponse listed;
  ASSERT_TRUE(stub_->ListActions(Charity().get(), list, &listed).ok());
  EXPECT_EQ(listed.actions_size(), 1);
  v1::GetPlanSummaryRequest summary;
  summary.set_name(shared.name());
  v1::PlanSummary s;
  ASSERT_TRUE(stub_->GetPlanSummary(Charity().get(), summary, &s).ok());
  v1::ListPlansRequest plans;
  plans.set_parent(kRiverside);
  v1::ListPlansResponse plan_list;
  ASSERT_TRUE(stub_->ListPlans(Charity().get(), plans, &plan_list).ok());
  ASSERT_EQ(plan_list.plans_size(), 1);
  EXPECT_EQ(plan_list.plans(0).name(), shared.name());
  // The unshared plan stays closed, and the charity cannot write.
  get.set_name(unshared.name());
  EXPECT_EQ(stub_->GetPlan(Charity().get(), get, &out).error_code(), StatusCode::PERMISSION_DENIED);
  v1::AddProgressNoteRequest note;
  note.set_name(action.name());
  note.set_text("x");
  note.set_author_role("x");
  v1::Action a;
  EXPECT_EQ(stub_->AddProgressNote(Charity().get(), note, &a).error_code(),
            StatusCode::PERMISSION_DENIED);
  // Another charity sees nothing.
  get.set_name(shared.name());
  EXPECT_EQ(
      stub_->GetPlan(As("charities/oak", common::v1::ROLE_CHARITY).get(), get, &out).error_code(),
      StatusCode::PERMISSION_DENIED);

  v1::UnsharePlanRequest unshare;
  unshare.set_name(shared.name());
  unshare.set_charity(kCharity);
  ASSERT_TRUE(stub_->UnsharePlan(Practice().get(), unshare, &out).ok());
  EXPECT_EQ(stub_->GetPlan(Charity().get(), get, &out).error_code(), StatusCode::PERMISSION_DENIED);
}

TEST_F(ActionsServiceTest, IdempotentRetries) {
  const v1::Plan plan = NewPlan();
  const v1::Action first =
      NewAction(plan, common::v1::PRINCIPLE_SAFETY, 30, common::v1::AREA_APPOINTMENTS, "req-1");
  const v1::Action again =
      NewAction(plan, common::v1::PRINCIPLE_SAFETY, 30, common::v1::AREA_APPOINTMENTS, "req-1");
  EXPECT_EQ(first.name(), again.name());
  v1::AddProgressNoteRequest note;
  note.set_name(first.name());
  note.set_text("Training booked for all reception staff.");
  note.set_author_role("practice manager");
  note.set_request_id("note-1");
  v1::Action out;
  ASSERT_TRUE(stub_->AddProgressNote(Practice().get(), note, &out).ok());
  ASSERT_TRUE(stub_->AddProgressNote(Practice().get(), note, &out).ok());
  EXPECT_EQ(out.progress_notes_size(), 1);
  note.set_text("A different note");
  EXPECT_EQ(stub_->AddProgressNote(Practice().get(), note, &out).error_code(),
            StatusCode::INVALID_ARGUMENT);
  v1::ListActionsRequest list;
  list.set_parent(plan.name());
  int pages;
  EXPECT_EQ(ListAll(list, 50, &pages).size(), 1u);
}

TEST_F(ActionsServiceTest, SummaryFollowsTheClock) {
  const v1::Plan plan = NewPlan();
  v1::Action a = NewAction(plan, common::v1::PRINCIPLE_SAFETY, 5);
  v1::Action b = NewAction(plan, common::v1::PRINCIPLE_PEER_SUPPORT, 30);
  NewAction(plan, common::v1::PRINCIPLE_SAFETY, 8);
  days_ = 4;
  ASSERT_TRUE(SetStatus(a, v1::ACTION_STATUS_DONE, &a).ok());  // 4 days, on time
  days_ = 12;
  ASSERT_TRUE(SetStatus(b, v1::ACTION_STATUS_DONE, &b).ok());  // 12 days, on time
  v1::GetPlanSummaryRequest request;
  request.set_name(plan.name());
  v1::PlanSummary s;
  ASSERT_TRUE(stub_->GetPlanSummary(Practice().get(), request, &s).ok());
  EXPECT_EQ(s.total_actions(), 3);
  EXPECT_EQ(s.by_status(2).count(), 2);
  EXPECT_EQ(s.overdue(), 1);  // the third was due on day 8
  EXPECT_EQ(s.done_on_time(), 2);
  EXPECT_EQ(s.done_late(), 0);
  EXPECT_DOUBLE_EQ(s.median_days_to_done(), 8.0);  // (4 + 12) / 2
  EXPECT_EQ(s.by_principle(0).count(), 2);
}

TEST_F(ActionsServiceTest, PatientDataAndBadInputAreRefused) {
  const v1::Plan plan = NewPlan();
  const v1::Action action = NewAction(plan, common::v1::PRINCIPLE_SAFETY, 30);
  v1::AddProgressNoteRequest note;
  note.set_name(action.name());
  note.set_author_role("practice manager");
  note.set_text("Patient 943 476 5919 complained");
  v1::Action out;
  grpc::Status s = stub_->AddProgressNote(Practice().get(), note, &out);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("text"), std::string::npos);
  note.set_text(std::string(2001, 'x'));
  EXPECT_EQ(stub_->AddProgressNote(Practice().get(), note, &out).error_code(),
            StatusCode::INVALID_ARGUMENT);

  v1::CreateActionRequest create;
  create.set_parent(plan.name());
  create.mutable_action()->set_title("Ring jo@example.org");
  s = stub_->CreateAction(Practice().get(), create, &out);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("action.title"), std::string::npos);

  v1::Action done;
  ASSERT_TRUE(SetStatus(action, v1::ACTION_STATUS_DROPPED, &done).ok());
  s = SetStatus(done, v1::ACTION_STATUS_DONE, &out);
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("action.status"), std::string::npos);

  v1::GetActionRequest get;
  get.set_name(plan.name() + "/actions/nothere");
  EXPECT_EQ(stub_->GetAction(Practice().get(), get, &out).error_code(), StatusCode::NOT_FOUND);
  get.set_name("practices/riverside/plans/../actions/x");
  EXPECT_EQ(stub_->GetAction(Practice().get(), get, &out).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

TEST_F(ActionsServiceTest, RedisDownIsUnavailable) {
  const v1::Plan plan = NewPlan();
  ASSERT_TRUE(redis_->Kill().ok());
  v1::GetPlanRequest get;
  get.set_name(plan.name());
  v1::Plan out;
  EXPECT_EQ(stub_->GetPlan(Practice().get(), get, &out).error_code(), StatusCode::UNAVAILABLE);
  ASSERT_TRUE(redis_->Restart().ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  grpc::Status again;
  do {
    again = stub_->GetPlan(Practice().get(), get, &out);
  } while (!again.ok() && absl::Now() < deadline);
  EXPECT_TRUE(again.ok()) << again.error_message();
}

}  // namespace
}  // namespace bridging::actions
