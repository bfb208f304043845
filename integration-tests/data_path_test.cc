// The whole research data path with every service as a real process: consent (with its
// publisher), the anonymizer, actions and analytics, each on its own Redis. Contributions
// and actions reach researchers only as disclosure-controlled aggregates; a withdrawal wins
// every race against queries; analytics fails closed while consent is down; erasure and
// restarts lose nothing and duplicate nothing; nothing identifying reaches analytics.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bridging/actions/v1/actions.grpc.pb.h"
#include "bridging/analytics/v1/analytics.grpc.pb.h"
#include "bridging/consent/v1/consent.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/auth/principal.h"
#include "libs/common/proto_time.h"
#include "libs/testing/child_process.h"
#include "libs/testing/probes.h"
#include "libs/testing/redis_server.h"
#include "libs/testing/test_store.h"

namespace bridging {
namespace {

using testing::ChildProcess;
namespace cv1 = consent::v1;
namespace av1 = analytics::v1;

constexpr char kSecret[] = "data-path-test-secret-of-at-least-32-bytes";
constexpr char kCharity[] = "charities/sunflower";
constexpr char kCanary[] = "Zebedee Quartermaine";  // a name that must never leave consent

struct Service {
  std::string name;
  std::string binary;
  int port = 0;
  std::vector<std::string> flags;
  std::optional<ChildProcess> process;
};

class DataPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/data-path-", getpid(), "-",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_EQ(system(absl::StrCat("mkdir -p '", dir_, "'").c_str()), 0);
    std::ofstream(dir_ + "/principal.secret") << kSecret << "\n";
    std::ofstream(dir_ + "/pseudonym.keys")
        << "k1:" << absl::Base64Escape("a-pseudonym-key-of-at-least-32-bytes") << "\n";
    for (const char* owner : {"consent", "actions", "analytics"}) {
      testing::RedisServerOptions options;
      options.appendfsync = std::string(owner) == "consent" ? "always" : "everysec";
      auto redis = testing::RedisServer::Start(options);
      ASSERT_TRUE(redis.ok()) << redis.status();
      redis_[owner] = std::move(*redis);
    }
    for (const char* name : {"consent", "actions", "anonymizer", "analytics"}) {
      services_[name] = {name, "", testing::PickFreeLoopbackPort(), {}, std::nullopt};
    }
    const std::string anonymizer = Address("anonymizer"), analytics = Address("analytics");
    services_["consent"].binary = CONSENT_BINARY;
    services_["consent"].flags = {RedisFlag("consent"), "--anonymizer_addr=" + anonymizer,
                                  "--analytics_addr=" + analytics};
    services_["actions"].binary = ACTIONS_BINARY;
    services_["actions"].flags = {RedisFlag("actions"), "--anonymizer_addr=" + anonymizer,
                                  "--analytics_addr=" + analytics};
    services_["anonymizer"].binary = ANONYMIZER_BINARY;
    services_["anonymizer"].flags = {"--pseudonym_key_file=" + dir_ + "/pseudonym.keys"};
    services_["analytics"].binary = ANALYTICS_BINARY;
    // Exact counts above 2, so the test can see who is counted.
    services_["analytics"].flags = {RedisFlag("analytics"), "--consent_addr=" + Address("consent"),
                                    "--disclosure_threshold=2", "--rounding_base=1",
                                    "--freshness_wait_ms=1500"};
    for (const char* name : {"anonymizer", "analytics", "consent", "actions"}) Start(name);
  }

  void TearDown() override {
    for (auto& [name, service] : services_) {
      if (service.process) {
        (void)service.process->Signal(SIGKILL);
        service.process->WaitForExit(absl::Seconds(5));
      }
    }
    if (HasFailure()) {
      for (auto& [name, service] : services_) {
        std::cerr << "--- " << name << " log (tail)\n"
                  << testing::ReadFile(dir_ + "/" + name + ".log").substr(0, 4000) << "\n";
      }
    }
    ASSERT_EQ(system(absl::StrCat("rm -rf '", dir_, "'").c_str()), 0);
  }

  std::string Address(const std::string& name) {
    return absl::StrCat("127.0.0.1:", services_[name].port);
  }
  std::string RedisFlag(const std::string& owner) {
    return absl::StrCat("--redis_addr=127.0.0.1:", redis_[owner]->port());
  }
  std::shared_ptr<grpc::Channel> Channel(const std::string& name) {
    return testing::LoopbackChannel(services_[name].port);
  }

  void Start(const std::string& name) {
    Service& s = services_[name];
    std::vector<std::string> argv = {s.binary, absl::StrCat("--port=", s.port), "--metrics_port=0",
                                     "--principal_secret_file=" + dir_ + "/principal.secret"};
    argv.insert(argv.end(), s.flags.begin(), s.flags.end());
    auto process = ChildProcess::Start(argv, {}, dir_ + "/" + name + ".log");
    ASSERT_TRUE(process.ok()) << process.status();
    s.process = std::move(*process);
    ASSERT_TRUE(testing::WaitForServing(s.port, absl::Seconds(30)))
        << name << ": " << testing::ReadFile(dir_ + "/" + name + ".log");
    // Fresh channels: one that saw the server go away can stay failed for seconds.
    consent_ = cv1::ConsentService::NewStub(Channel("consent"));
    contributions_ = cv1::ContributionService::NewStub(Channel("consent"));
    actions_ = actions::v1::ActionPlanService::NewStub(Channel("actions"));
    analytics_ = av1::AnalyticsService::NewStub(Channel("analytics"));
  }

  void Stop(const std::string& name, int signal) {
    Service& s = services_[name];
    ASSERT_TRUE(s.process->Signal(signal).ok());
    ASSERT_TRUE(s.process->WaitForExit(absl::Seconds(15)).has_value());
    s.process.reset();
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& org, common::v1::Role role) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
    codec_.Attach({org, role}, context.get());
    return context;
  }
  std::unique_ptr<grpc::ClientContext> AsCharity() {
    return As(kCharity, common::v1::ROLE_CHARITY);
  }

  // A participant with RESEARCH_USE consent and one contribution per theme given.
  std::string Participant(const std::string& reference,
                          const std::vector<common::v1::Principle>& themes) {
    cv1::CreateParticipantRequest create;
    create.set_parent(kCharity);
    create.mutable_participant()->set_charity_reference(reference);
    cv1::Participant participant;
    EXPECT_TRUE(consent_->CreateParticipant(AsCharity().get(), create, &participant).ok());
    cv1::RecordConsentRequest consent;
    consent.set_participant(participant.name());
    consent.set_purpose(cv1::PURPOSE_RESEARCH_USE);
    consent.set_method(cv1::CONSENT_METHOD_WRITTEN);
    consent.set_recorded_by_role("support worker");
    cv1::ConsentRecord record;
    grpc::Status status = consent_->RecordConsent(AsCharity().get(), consent, &record);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (auto theme : themes) Contribute(participant.name(), theme);
    return participant.name();
  }

  void Contribute(const std::string& participant, common::v1::Principle theme) {
    cv1::SubmitContributionRequest submit;
    submit.set_parent(participant);
    auto* c = submit.mutable_contribution();
    c->set_source_type(cv1::SOURCE_TYPE_INTERVIEW);
    c->set_text(absl::StrCat("Talked it through with ", kCanary, ", who felt safer."));
    c->add_themes(theme);
    *c->mutable_occurred_on() = ToDate(TodayUtc(absl::Now()));
    cv1::Contribution out;
    const grpc::Status status = contributions_->SubmitContribution(AsCharity().get(), submit, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }

  cv1::WithdrawalReceipt Withdraw(const std::string& participant, bool erase) {
    cv1::WithdrawConsentRequest request;
    request.set_participant(participant);
    request.set_erase_contributions(erase);
    request.set_recorded_by_role("support worker");
    cv1::WithdrawalReceipt receipt;
    const grpc::Status status = consent_->WithdrawConsent(AsCharity().get(), request, &receipt);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return receipt;
  }

  // Contributions by theme as a fresh research team sees them (a fresh team each time, so
  // the differencing guard never coarsens the repeated question).
  grpc::Status ByTheme(std::map<std::string, common::v1::Cell>* cells) {
    const std::string team = absl::StrCat("researchers/e2e-", ++team_counter_);
    av1::QueryRequest request;
    request.set_parent(team);
    request.set_dataset(av1::DATASET_CONTRIBUTIONS);
    request.add_group_by(av1::DIMENSION_THEME);
    request.set_measure(av1::MEASURE_COUNT);
    av1::QueryResponse response;
    grpc::Status status =
        analytics_->Query(As(team, common::v1::ROLE_RESEARCHER).get(), request, &response);
    cells->clear();
    for (const auto& row : response.table().rows()) (*cells)[row.labels(0)] = row.cells(0);
    return status;
  }

  // Waits out UNAVAILABLE (analytics catching up after a restart) for up to 20 s.
  double Safety() {
    std::map<std::string, common::v1::Cell> cells;
    grpc::Status status = ByTheme(&cells);
    for (int i = 0; i < 100 && status.error_code() == grpc::StatusCode::UNAVAILABLE; ++i) {
      absl::SleepFor(absl::Milliseconds(200));
      status = ByTheme(&cells);
    }
    EXPECT_TRUE(status.ok()) << status.error_message();
    return cells["PRINCIPLE_SAFETY"].value();
  }

  std::string dir_;
  const auth::PrincipalCodec codec_{kSecret};
  std::map<std::string, std::unique_ptr<testing::RedisServer>> redis_;
  std::map<std::string, Service> services_;
  std::unique_ptr<cv1::ConsentService::Stub> consent_;
  std::unique_ptr<cv1::ContributionService::Stub> contributions_;
  std::unique_ptr<actions::v1::ActionPlanService::Stub> actions_;
  std::unique_ptr<av1::AnalyticsService::Stub> analytics_;
  std::atomic<int> team_counter_{0};
};

TEST_F(DataPathTest, AContributionBecomesASuppressedAggregateAndNothingIdentifyingLeaves) {
  std::vector<std::string> people;
  for (int i = 0; i < 4; ++i) {
    people.push_back(Participant(absl::StrCat("CR-", i), {common::v1::PRINCIPLE_SAFETY}));
  }
  Contribute(people[0], common::v1::PRINCIPLE_PEER_SUPPORT);
  std::map<std::string, common::v1::Cell> cells;
  const grpc::Status status = ByTheme(&cells);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(cells["PRINCIPLE_SAFETY"].value(), 4);
  EXPECT_FALSE(cells["PRINCIPLE_SAFETY"].suppressed());
  EXPECT_TRUE(cells["PRINCIPLE_PEER_SUPPORT"].suppressed());  // one person
  EXPECT_EQ(cells["PRINCIPLE_PEER_SUPPORT"].value(), 0);

  // An action plan reaches the ACTIONS dataset the same way.
  actions::v1::CreatePlanRequest plan_request;
  plan_request.set_parent("practices/riverside");
  plan_request.mutable_plan()->set_title("Trauma-informed practice 2026");
  actions::v1::Plan plan;
  ASSERT_TRUE(actions_
                  ->CreatePlan(As("practices/riverside", common::v1::ROLE_PRACTICE).get(),
                               plan_request, &plan)
                  .ok());
  for (int i = 0; i < 3; ++i) {
    actions::v1::CreateActionRequest request;
    request.set_parent(plan.name());
    auto* a = request.mutable_action();
    a->set_title(absl::StrCat("Longer first appointments ", i));
    a->set_principle(common::v1::PRINCIPLE_SAFETY);
    a->set_area(common::v1::AREA_APPOINTMENTS);
    a->set_owner_role("practice manager");
    *a->mutable_due_date() = ToDate(TodayUtc(absl::Now()));
    actions::v1::Action action;
    const grpc::Status created = actions_->CreateAction(
        As("practices/riverside", common::v1::ROLE_PRACTICE).get(), request, &action);
    ASSERT_TRUE(created.ok()) << created.error_message();
  }
  av1::QueryRequest by_principle;
  by_principle.set_parent("researchers/e2e-actions");
  by_principle.set_dataset(av1::DATASET_ACTIONS);
  by_principle.add_group_by(av1::DIMENSION_PRINCIPLE);
  by_principle.set_measure(av1::MEASURE_COUNT);
  // Actions carry no consent, so only the publisher's pace decides when they are counted.
  double counted = 0;
  for (int attempt = 0; attempt < 50 && counted != 3; ++attempt) {
    av1::QueryResponse response;
    by_principle.set_parent(absl::StrCat("researchers/e2e-actions-", attempt));
    ASSERT_TRUE(analytics_
                    ->Query(As(by_principle.parent(), common::v1::ROLE_RESEARCHER).get(),
                            by_principle, &response)
                    .ok());
    counted = response.table().rows_size() ? response.table().rows(0).cells(0).value() : 0;
    if (counted != 3) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(counted, 3);

  // Nothing identifying is stored by analytics: no resource name, reference or text.
  auto store = testing::ConnectTestStore(*redis_["analytics"]);
  auto keys = store->Command({"KEYS", "*"});
  ASSERT_TRUE(keys.ok());
  std::string everything;
  for (const auto& key : keys->elements) {
    everything += key.str;
    auto type = store->Command({"TYPE", key.str});
    ASSERT_TRUE(type.ok());
    std::vector<std::string> read = {"GET", key.str};
    if (type->str == "hash") read = {"HGETALL", key.str};
    if (type->str == "stream") read = {"XRANGE", key.str, "-", "+"};
    auto value = store->Command(read);
    ASSERT_TRUE(value.ok());
    everything += value->DebugString();
  }
  EXPECT_GT(keys->elements.size(), 8u);
  for (const std::string& secret :
       {std::string(kCanary), std::string(kCharity), std::string("CR-0"), people[1],
        std::string("practices/riverside"), std::string("Longer first appointments")}) {
    EXPECT_EQ(everything.find(secret), std::string::npos) << secret;
  }
}

TEST_F(DataPathTest, NoQueryStartedAfterAWithdrawalReceiptCountsThePerson) {
  constexpr int kRounds = 1000;
  // Receipts return without waiting for analytics, so only analytics' own freshness check
  // (the consent watermark) stands between a withdrawal and the next answer.
  Stop("consent", SIGKILL);
  services_["consent"].flags.push_back("--withdrawal_wait_ms=0");
  Start("consent");
  std::vector<std::string> people;
  for (int i = 0; i < kRounds; ++i) {
    people.push_back(Participant(absl::StrCat("R-", i), {common::v1::PRINCIPLE_SAFETY}));
  }
  for (int i = 0; i < 3; ++i)
    Participant(absl::StrCat("stays-", i), {common::v1::PRINCIPLE_SAFETY});
  ASSERT_EQ(Safety(), kRounds + 3);

  struct Answer {
    absl::Time start;
    double safety;
  };
  absl::Mutex mu;
  std::vector<Answer> answers;
  std::vector<absl::Time> receipts;  // receipts[r]: when withdrawal r's receipt came back
  std::atomic<bool> done{false};
  std::atomic<int> failed{0};
  auto query_loop = [&] {
    while (!done) {
      const absl::Time start = absl::Now();
      std::map<std::string, common::v1::Cell> cells;
      if (!ByTheme(&cells).ok()) {
        ++failed;
        continue;
      }
      absl::MutexLock lock(&mu);
      answers.push_back({start, cells["PRINCIPLE_SAFETY"].value()});
    }
  };
  std::thread q1(query_loop), q2(query_loop);
  std::mt19937 rng(20261121);
  for (int r = 0; r < kRounds; ++r) {
    absl::SleepFor(absl::Microseconds(rng() % 1500));  // vary where the race falls
    Withdraw(people[r], /*erase=*/r % 2 == 1);
    const absl::Time now = absl::Now();
    absl::MutexLock lock(&mu);
    receipts.push_back(now);
  }
  done = true;
  q1.join();
  q2.join();

  // Each answer counts at most the people whose receipt had not come back when it started.
  size_t checked = 0;
  for (const Answer& a : answers) {
    const int withdrawn_before = static_cast<int>(
        std::upper_bound(receipts.begin(), receipts.end(), a.start) - receipts.begin());
    ASSERT_LE(a.safety, kRounds + 3 - withdrawn_before)
        << "an answer started after " << withdrawn_before << " receipts counted a withdrawn person";
    ++checked;
  }
  EXPECT_GE(checked, 500u);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(Safety(), 3);
}

TEST_F(DataPathTest, AnalyticsFailsClosedWhileConsentIsDownAndNeverAnswersStale) {
  for (int i = 0; i < 4; ++i) Participant(absl::StrCat("D-", i), {common::v1::PRINCIPLE_SAFETY});
  ASSERT_EQ(Safety(), 4);
  Stop("consent", SIGKILL);
  std::map<std::string, common::v1::Cell> cells;
  const grpc::Status status = ByTheme(&cells);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_TRUE(cells.empty());
  Start("consent");
  EXPECT_EQ(Safety(), 4);
}

TEST_F(DataPathTest, ErasureAndRestartsLoseNothingAndDuplicateNothing) {
  std::vector<std::string> people;
  for (int i = 0; i < 3; ++i) {
    people.push_back(Participant(absl::StrCat("E-kept-", i), {common::v1::PRINCIPLE_SAFETY}));
  }
  ASSERT_EQ(Safety(), 3);
  // Analytics is down while the charity carries on: the withdrawal still succeeds at once.
  Stop("analytics", SIGTERM);
  for (int i = 0; i < 5; ++i) {
    people.push_back(Participant(absl::StrCat("E-", i),
                                 {common::v1::PRINCIPLE_SAFETY, common::v1::PRINCIPLE_SAFETY}));
  }
  const std::string erased = people[3];
  const cv1::WithdrawalReceipt receipt = Withdraw(erased, /*erase=*/true);
  EXPECT_FALSE(receipt.analytics_applied());
  // The consent service restarts too (its publisher resumes from its durable cursor).
  Stop("consent", SIGKILL);
  Start("consent");
  Start("analytics");
  // 3 + 4 people x 2 contributions: the erased person's rows are gone, nothing twice.
  EXPECT_EQ(Safety(), 11);
  // Analytics restarts again: its view is rebuilt from its Redis with the same answer.
  Stop("analytics", SIGKILL);
  Start("analytics");
  EXPECT_EQ(Safety(), 11);

  cv1::GetDataUseReportRequest report_request;
  report_request.set_participant(erased);
  cv1::DataUseReport report;
  ASSERT_TRUE(contributions_->GetDataUseReport(AsCharity().get(), report_request, &report).ok());
  bool analytics_applied = false;
  for (const auto& application : report.applications()) {
    if (application.service() == "analytics") analytics_applied = application.applied();
  }
  EXPECT_TRUE(analytics_applied);
}

}  // namespace
}  // namespace bridging
