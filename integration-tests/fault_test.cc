// Fault tests of the whole suite behind its gateway: while partners keep writing through the
// gateway (each write with its own request id, retried with the same id on UNAVAILABLE),
// each Redis and each service is SIGKILLed and started again. Afterwards every acknowledged
// write is there exactly once, the owning service went NOT_SERVING and came back, and the
// outboxes drain to analytics. A withdrawal made while analytics is down is applied when it
// returns, and no answer given meanwhile counts the person.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bridging/actions/v1/actions.grpc.pb.h"
#include "bridging/analytics/v1/analytics.grpc.pb.h"
#include "bridging/consent/v1/consent.grpc.pb.h"
#include "integration-tests/suite_test.h"
#include "libs/testing/probes.h"

namespace bridging {
namespace {

using grpc::StatusCode;
using HealthStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;
namespace cv1 = consent::v1;
namespace av1 = actions::v1;

constexpr char kCharity[] = "charities/hope";
constexpr char kPractice[] = "practices/alpha";
constexpr char kTeam[] = "researchers/team";
// A second team, which has seen no earlier answer for the differencing guard to set against.
constexpr char kTeam2[] = "researchers/team-two";

// Codes a client sees while a part is down or restarting; a write is then retried with the
// same request id.
bool IsTransient(StatusCode code) {
  return code == StatusCode::UNAVAILABLE || code == StatusCode::DEADLINE_EXCEEDED;
}

// One write made `n`-th by the load: returns the status and, when it succeeded, a key that
// identifies what it created (read back afterwards).
using Write = std::function<grpc::Status(int n, std::string* created)>;

// Writers that keep calling `write` with increasing n until stopped, each write retried with
// the same request id while the suite answers UNAVAILABLE, for up to 40 s. A steady load of
// about a hundred writes a second, not a flood.
class WriteLoad {
 public:
  static constexpr absl::Duration kPause = absl::Milliseconds(30);

  WriteLoad(Write write, int threads) : write_(std::move(write)) {
    for (int t = 0; t < threads; ++t) {
      threads_.emplace_back([this, t, threads] {
        for (int n = t; !stop_.load(); n += threads) {
          Once(n);
          absl::SleepFor(kPause);
        }
      });
    }
  }
  ~WriteLoad() { Stop(); }

  void Stop() {
    stop_ = true;
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  std::set<std::string> acknowledged() const {
    absl::MutexLock lock(&mu_);
    return acknowledged_;
  }
  std::vector<std::string> failures() const {
    absl::MutexLock lock(&mu_);
    return failures_;
  }
  int retries() const { return retries_.load(); }

 private:
  void Once(int n) {
    const absl::Time give_up = absl::Now() + absl::Seconds(40);
    for (;;) {
      std::string created;
      const grpc::Status status = write_(n, &created);
      if (status.ok()) {
        absl::MutexLock lock(&mu_);
        acknowledged_.insert(created);
        return;
      }
      if (!IsTransient(status.error_code()) || absl::Now() > give_up) {
        absl::MutexLock lock(&mu_);
        failures_.push_back(
            absl::StrCat("write ", n, ": ", status.error_code(), " ", status.error_message()));
        return;
      }
      ++retries_;
      absl::SleepFor(absl::Milliseconds(50));
    }
  }

  Write write_;
  std::atomic<bool> stop_{false};
  std::atomic<int> retries_{0};
  mutable absl::Mutex mu_;
  std::set<std::string> acknowledged_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> failures_ ABSL_GUARDED_BY(mu_);
  std::vector<std::thread> threads_;
};

class FaultTest : public testing::SuiteTest {
 protected:
  static void SetUpTestSuite() {
    testing::LocalSuiteOptions options;
    // The load is steady, not a flood: the limits must not be what refuses it.
    options.flags["gateway"] = {"--rate_limit_rps=2000", "--rate_limit_burst=2000"};
    // Small enough that the demo-sized counts here are shown, not withheld.
    options.flags["analytics"] = {"--disclosure_threshold=2", "--rounding_base=1"};
    StartSuite(options,
               {{kCharity, "Hope"}, {kPractice, "Alpha"}, {kTeam, "Team"}, {kTeam2, "Team two"}});
  }

  static std::unique_ptr<av1::ActionPlanService::Stub> Actions() {
    return av1::ActionPlanService::NewStub(suite_->GatewayChannel());
  }

  // Creates participant "<tag>-<n>" (request id "<tag>-<n>"); `created` is its reference.
  static Write CreateParticipants(const std::string& tag) {
    auto stub = std::shared_ptr<cv1::ConsentService::Stub>(
        cv1::ConsentService::NewStub(suite_->GatewayChannel()));
    return [stub, tag](int n, std::string* created) {
      cv1::CreateParticipantRequest request;
      request.set_parent(kCharity);
      request.mutable_participant()->set_charity_reference(absl::StrCat(tag, "-", n));
      request.set_request_id(absl::StrCat(tag, "-", n));
      cv1::Participant participant;
      grpc::ClientContext context;
      Authorize(&context, keys_[kCharity]);
      grpc::Status status = stub->CreateParticipant(&context, request, &participant);
      if (status.ok()) *created = participant.charity_reference();
      return status;
    };
  }

  // A plan of its own for the load tagged `tag` (a plan holds at most 1000 actions).
  static std::string PlanFor(const std::string& tag) {
    av1::CreatePlanRequest request;
    request.set_parent(kPractice);
    request.mutable_plan()->set_title(tag);
    request.set_request_id(absl::StrCat("plan-", tag));
    av1::Plan plan;
    grpc::ClientContext context;
    Authorize(&context, keys_[kPractice]);
    const grpc::Status status = Actions()->CreatePlan(&context, request, &plan);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return plan.name();
  }

  // Creates action "<tag>-<n>" in the tag's plan; `created` is its title.
  static Write CreateActions(const std::string& tag) {
    auto stub = std::shared_ptr<av1::ActionPlanService::Stub>(Actions());
    const std::string plan = PlanFor(tag);
    return [stub, tag, plan](int n, std::string* created) {
      av1::CreateActionRequest request;
      request.set_parent(plan);
      av1::Action* action = request.mutable_action();
      action->set_title(absl::StrCat(tag, "-", n));
      action->set_principle(common::v1::PRINCIPLE_SAFETY);
      action->set_area(common::v1::AREA_APPOINTMENTS);
      action->set_owner_role("practice manager");
      const absl::CivilDay due =
          absl::ToCivilDay(absl::Now() + absl::Hours(24 * 60), absl::UTCTimeZone());
      action->mutable_due_date()->set_year(static_cast<int>(due.year()));
      action->mutable_due_date()->set_month(due.month());
      action->mutable_due_date()->set_day(due.day());
      request.set_request_id(absl::StrCat(tag, "-", n));
      av1::Action out;
      grpc::ClientContext context;
      Authorize(&context, keys_[kPractice]);
      grpc::Status status = stub->CreateAction(&context, request, &out);
      if (status.ok()) *created = out.title();
      return status;
    };
  }

  // How many participants (or actions) carry each reference (title) starting with `tag`.
  static std::map<std::string, int> Participants(const std::string& tag) {
    auto stub = cv1::ConsentService::NewStub(suite_->GatewayChannel());
    std::map<std::string, int> seen;
    std::string token;
    do {
      cv1::ListParticipantsRequest request;
      request.set_parent(kCharity);
      request.set_page_size(500);
      request.set_page_token(token);
      cv1::ListParticipantsResponse page;
      grpc::ClientContext context;
      Authorize(&context, keys_[kCharity]);
      const grpc::Status status = stub->ListParticipants(&context, request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& p : page.participants()) {
        if (absl::StartsWith(p.charity_reference(), tag + "-")) ++seen[p.charity_reference()];
      }
      token = page.next_page_token();
    } while (!token.empty());
    return seen;
  }
  static std::map<std::string, int> ActionsTitled(const std::string& tag) {
    auto stub = Actions();
    const std::string plan = PlanFor(tag);  // the same request id: the same plan
    std::map<std::string, int> seen;
    std::string token;
    do {
      av1::ListActionsRequest request;
      request.set_parent(plan);
      request.set_page_size(500);
      request.set_page_token(token);
      av1::ListActionsResponse page;
      grpc::ClientContext context;
      Authorize(&context, keys_[kPractice]);
      const grpc::Status status = stub->ListActions(&context, request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& a : page.actions()) {
        if (absl::StartsWith(a.title(), tag + "-")) ++seen[a.title()];
      }
      token = page.next_page_token();
    } while (!token.empty());
    return seen;
  }

  // Every acknowledged write is there exactly once, and nothing else was created.
  static void ExpectExactlyOnce(const WriteLoad& load, const std::map<std::string, int>& stored) {
    EXPECT_EQ(load.failures(), std::vector<std::string>{});
    const std::set<std::string> acknowledged = load.acknowledged();
    EXPECT_GT(acknowledged.size(), 20u) << "too little load to mean anything";
    for (const std::string& key : acknowledged) {
      auto it = stored.find(key);
      EXPECT_TRUE(it != stored.end()) << "acknowledged but lost: " << key;
      if (it != stored.end()) {
        EXPECT_EQ(it->second, 1) << "stored twice: " << key;
      }
    }
    for (const auto& [key, count] : stored) {
      EXPECT_EQ(count, 1) << key;
      // A write whose answer was lost in the fault may be stored without being acknowledged;
      // its retry then got the recorded answer, so it is acknowledged too.
      EXPECT_TRUE(acknowledged.count(key) == 1) << "stored but never acknowledged: " << key;
    }
  }

  // Polls the service's own health until it is `want`; true when it was seen in time.
  static bool HealthBecomes(const std::string& service, HealthStatus want, absl::Duration within) {
    return testing::WaitForHealth(suite_->ServiceChannel(service), want, within);
  }

  // Each publisher's outbox is empty: everything it holds reached analytics.
  static bool OutboxesDrain(absl::Duration within) {
    const absl::Time deadline = absl::Now() + within;
    while (absl::Now() < deadline) {
      bool drained = true;
      for (const char* service : {"consent", "actions"}) {
        absl::StatusOr<std::string> metrics =
            testing::HttpGet(suite_->metrics_port(service), "/metrics");
        drained = drained && metrics.ok() &&
                  absl::StrContains(*metrics, absl::StrCat("bridging_outbox_lag_entries{source=\"",
                                                           service, "\"} 0"));
      }
      if (drained) return true;
      absl::SleepFor(absl::Milliseconds(200));
    }
    return false;
  }
};

// One fault: SIGKILL of a Redis (by owner) or of a service process, under a load of
// participant or action writes.
struct Fault {
  std::string name;
  bool redis;           // the owner's Redis, else the service process
  std::string part;     // consent, actions, analytics, anonymizer or gateway
  bool writes_actions;  // the load creates actions, else participants
  bool load_sees_it;    // whether writes fail (and are retried) while the part is down
};

class FaultUnderLoadTest : public FaultTest, public ::testing::WithParamInterface<Fault> {};

TEST_P(FaultUnderLoadTest, NoAcknowledgedWriteIsLostOrDuplicatedAndOutboxesDrain) {
  const Fault& fault = GetParam();
  const std::string tag = fault.name;
  WriteLoad load(fault.writes_actions ? CreateActions(tag) : CreateParticipants(tag), 4);
  absl::SleepFor(absl::Milliseconds(400));
  if (fault.redis) {
    ASSERT_TRUE(suite_->redis(fault.part).Kill(SIGKILL).ok());
    // The Redis's owner stops saying it can serve, at once.
    EXPECT_TRUE(HealthBecomes(fault.part, grpc::health::v1::HealthCheckResponse::NOT_SERVING,
                              absl::Seconds(10)))
        << fault.part << " stayed SERVING without its Redis";
    absl::SleepFor(absl::Milliseconds(500));
    ASSERT_TRUE(suite_->redis(fault.part).Restart().ok());
  } else {
    ASSERT_TRUE(suite_->StopService(fault.part, SIGKILL).ok());
    EXPECT_FALSE(testing::CheckHealth(suite_->ServiceChannel(fault.part), "").ok());
    absl::SleepFor(absl::Milliseconds(500));
    ASSERT_TRUE(suite_->StartService(fault.part).ok());
  }
  EXPECT_TRUE(
      HealthBecomes(fault.part, grpc::health::v1::HealthCheckResponse::SERVING, absl::Seconds(20)))
      << fault.part << " did not come back";
  absl::SleepFor(absl::Milliseconds(500));
  load.Stop();
  if (fault.load_sees_it) {
    EXPECT_GT(load.retries(), 0) << "the load never saw the fault";
  }
  ExpectExactlyOnce(load, fault.writes_actions ? ActionsTitled(tag) : Participants(tag));
  EXPECT_TRUE(OutboxesDrain(absl::Seconds(30))) << "an outbox did not drain";
}

INSTANTIATE_TEST_SUITE_P(
    EachPart, FaultUnderLoadTest,
    ::testing::Values(Fault{"redis-consent", true, "consent", false, true},
                      Fault{"redis-actions", true, "actions", true, true},
                      Fault{"redis-analytics", true, "analytics", false, false},
                      Fault{"redis-gateway", true, "gateway", false, true},
                      Fault{"kill-consent", false, "consent", false, true},
                      Fault{"kill-actions", false, "actions", true, true},
                      Fault{"kill-anonymizer", false, "anonymizer", false, false},
                      Fault{"kill-analytics", false, "analytics", false, false},
                      Fault{"kill-gateway", false, "gateway", true, true}),
    [](const ::testing::TestParamInfo<Fault>& info) {
      std::string name = info.param.name;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

// The research team's count of people whose research consent is in place, as analytics
// answers it now; -1 when the cell is withheld.
absl::StatusOr<int> ResearchConsentCount(testing::LocalSuite& suite, const std::string& team,
                                         const std::string& key) {
  auto stub = analytics::v1::AnalyticsService::NewStub(suite.GatewayChannel());
  analytics::v1::QueryRequest request;
  request.set_parent(team);
  request.set_dataset(analytics::v1::DATASET_CONSENT);
  request.add_group_by(analytics::v1::DIMENSION_PURPOSE);
  analytics::v1::Filter* filter = request.add_filters();
  filter->set_dimension(analytics::v1::DIMENSION_PURPOSE);
  filter->add_values("PURPOSE_RESEARCH_USE");
  request.set_measure(analytics::v1::MEASURE_COUNT);
  analytics::v1::QueryResponse response;
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + key);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  const grpc::Status status = stub->Query(&context, request, &response);
  if (!status.ok())
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  for (const auto& row : response.table().rows()) {
    if (row.cells().empty()) continue;
    return row.cells(0).suppressed() ? -1 : static_cast<int>(row.cells(0).value());
  }
  return 0;
}

TEST_F(FaultTest,
       AWithdrawalWhileAnalyticsIsDownIsAppliedWhenItReturnsAndNothingCountsHerMeanwhile) {
  auto consent = cv1::ConsentService::NewStub(suite_->GatewayChannel());
  std::vector<std::string> names;
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<std::string> name =
        AddParticipant(kCharity, absl::StrCat("withdrawal-", i), {cv1::PURPOSE_RESEARCH_USE});
    ASSERT_TRUE(name.ok()) << name.status();
    names.push_back(*name);
  }
  // Analytics counts the four.
  absl::StatusOr<int> before = -1;
  for (int i = 0; i < 100 && (!before.ok() || *before != 4); ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    before = ResearchConsentCount(*suite_, kTeam, keys_[kTeam]);
  }
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_EQ(*before, 4);

  // Analytics dies; the charity withdraws one of them anyway.
  ASSERT_TRUE(suite_->StopService("analytics", SIGKILL).ok());
  cv1::WithdrawConsentRequest withdraw;
  withdraw.set_participant(names[0]);
  withdraw.add_purposes(cv1::PURPOSE_RESEARCH_USE);
  withdraw.set_recorded_by_role("support worker");
  withdraw.set_request_id("withdraw-while-analytics-is-down");
  cv1::WithdrawalReceipt receipt;
  {
    grpc::ClientContext context;
    Authorize(&context, keys_[kCharity]);
    const grpc::Status status = consent->WithdrawConsent(&context, withdraw, &receipt);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_FALSE(receipt.analytics_applied()) << "applied by an analytics that is down?";
  // Meanwhile nobody is counted at all: the research door is closed, not stale.
  const absl::StatusOr<int> during = ResearchConsentCount(*suite_, kTeam2, keys_[kTeam2]);
  EXPECT_EQ(during.status().code(), absl::StatusCode::kUnavailable) << during.status();

  // Analytics returns: its first answer (to a team that saw none before) counts three.
  ASSERT_TRUE(suite_->StartService("analytics").ok());
  absl::StatusOr<int> after = absl::UnavailableError("not asked");
  for (int i = 0; i < 100 && !after.ok(); ++i) {
    after = ResearchConsentCount(*suite_, kTeam2, keys_[kTeam2]);
    if (!after.ok()) {
      ASSERT_EQ(after.status().code(), absl::StatusCode::kUnavailable) << after.status();
      absl::SleepFor(absl::Milliseconds(100));
    }
  }
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after, 3) << "the withdrawn person was counted after analytics returned";
  EXPECT_TRUE(OutboxesDrain(absl::Seconds(30)));
}

}  // namespace
}  // namespace bridging
