// Attacks a research team can make on analytics through the gateway: differencing one answer
// against an earlier one (over time, and respelled), a three-query tracker that avoids
// nested pairs, and averaging noisy answers until the team's privacy budget runs out.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bridging/analytics/v1/analytics.grpc.pb.h"
#include "bridging/consent/v1/consent.grpc.pb.h"
#include "integration-tests/suite_test.h"

namespace bridging {
namespace {

namespace cv1 = consent::v1;
namespace anv1 = analytics::v1;

constexpr char kCharity[] = "charities/hope";
constexpr char kTeam[] = "researchers/team";
constexpr char kOtherTeam[] = "researchers/other";

// The cell of one labelled row of an answer grouped by one dimension.
struct Shown {
  bool present = false;
  bool suppressed = false;
  common::v1::SuppressionReason reason = common::v1::SUPPRESSION_REASON_UNSPECIFIED;
  double value = 0;
};

class ResearchAttackTest : public testing::SuiteTest {
 protected:
  static void StartWith(std::vector<std::string> analytics_flags) {
    testing::LocalSuiteOptions options;
    options.flags["analytics"] = std::move(analytics_flags);
    StartSuite(options, {{kCharity, "Hope"}, {kTeam, "Team"}, {kOtherTeam, "Other team"}});
  }

  // A participant of the charity who consents to each of `purposes`; returns her name.
  static std::string Participant(const std::string& reference,
                                 const std::vector<cv1::Purpose>& purposes) {
    absl::StatusOr<std::string> name = AddParticipant(kCharity, reference, purposes);
    EXPECT_TRUE(name.ok()) << name.status();
    return name.value_or("");
  }

  static void Withdraw(const std::string& participant, cv1::Purpose purpose) {
    auto consent = cv1::ConsentService::NewStub(suite_->GatewayChannel());
    cv1::WithdrawConsentRequest withdraw;
    withdraw.set_participant(participant);
    withdraw.add_purposes(purpose);
    withdraw.set_recorded_by_role("support worker");
    cv1::WithdrawalReceipt receipt;
    grpc::ClientContext context;
    Authorize(&context, keys_[kCharity]);
    const grpc::Status status = consent->WithdrawConsent(&context, withdraw, &receipt);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  // The consent dataset grouped by `group_by`, keeping rows whose purpose is one of
  // `purposes` (none: every purpose).
  static grpc::Status Ask(const std::string& team, const std::vector<anv1::Dimension>& group_by,
                          const std::vector<std::string>& purposes, anv1::QueryResponse* answer,
                          const std::string& request_id = "") {
    anv1::QueryRequest query;
    query.set_parent(team);
    query.set_dataset(anv1::DATASET_CONSENT);
    for (anv1::Dimension dimension : group_by) query.add_group_by(dimension);
    if (!purposes.empty()) {
      anv1::Filter* filter = query.add_filters();
      filter->set_dimension(anv1::DIMENSION_PURPOSE);
      for (const std::string& purpose : purposes) filter->add_values(purpose);
    }
    query.set_measure(anv1::MEASURE_COUNT);
    query.set_request_id(request_id);
    grpc::ClientContext context;
    Authorize(&context, keys_[team]);
    return anv1::AnalyticsService::NewStub(suite_->GatewayChannel())
        ->Query(&context, query, answer);
  }

  // The cell whose row labels are exactly `labels`.
  static Shown Cell(const anv1::QueryResponse& answer, const std::vector<std::string>& labels) {
    for (const auto& row : answer.table().rows()) {
      if (std::vector<std::string>(row.labels().begin(), row.labels().end()) != labels) continue;
      const common::v1::Cell& cell = row.cells(0);
      return {true, cell.suppressed(), cell.reason(), cell.value()};
    }
    return {};
  }
};

class DifferencingTest : public ResearchAttackTest {
 protected:
  static void SetUpTestSuite() { StartWith({}); }  // the default policy: > 7 shown, rounded to 5
};

TEST_F(DifferencingTest, AnAnswerSetAgainstAnEarlierOneIsWithheldHoweverItIsSpelled) {
  std::vector<std::string> women;
  for (int i = 0; i < 12; ++i) {
    women.push_back(Participant(absl::StrCat("DIFF-", i), {cv1::PURPOSE_RESEARCH_USE}));
  }
  const std::vector<std::string> research = {"PURPOSE_RESEARCH_USE"};
  anv1::QueryResponse before;
  ASSERT_TRUE(Ask(kTeam, {anv1::DIMENSION_PURPOSE}, {}, &before).ok());
  const Shown twelve = Cell(before, research);
  ASSERT_TRUE(twelve.present && !twelve.suppressed) << before.DebugString();
  EXPECT_EQ(twelve.value, 10);  // 12, rounded to 5

  // One woman withdraws: the same question would now differ by one person.
  Withdraw(women[0], cv1::PURPOSE_RESEARCH_USE);
  anv1::QueryResponse after;
  ASSERT_TRUE(Ask(kTeam, {anv1::DIMENSION_PURPOSE}, {}, &after).ok());
  EXPECT_TRUE(Cell(after, research).suppressed) << after.DebugString();
  EXPECT_EQ(Cell(after, research).reason, common::v1::SUPPRESSION_REASON_DIFFERENCING);
  EXPECT_TRUE(after.stamp().coarsened());

  // Respelled: filtered to the purpose (twice), grouped by state too, in the other order.
  anv1::QueryResponse respelled;
  ASSERT_TRUE(Ask(kTeam, {anv1::DIMENSION_CONSENT_STATE, anv1::DIMENSION_PURPOSE},
                  {"PURPOSE_RESEARCH_USE", "PURPOSE_RESEARCH_USE"}, &respelled)
                  .ok());
  for (const auto& row : respelled.table().rows()) {
    EXPECT_TRUE(row.cells(0).suppressed()) << row.DebugString();
  }
  EXPECT_GT(respelled.table().rows_size(), 0);

  // A team that never saw the first answer gets the value (11, rounded): the guard is each
  // team's own, so two colluding teams are not stopped by it (docs/security.md).
  anv1::QueryResponse fresh;
  ASSERT_TRUE(Ask(kOtherTeam, {anv1::DIMENSION_PURPOSE}, {}, &fresh).ok());
  EXPECT_FALSE(Cell(fresh, research).suppressed);
  EXPECT_EQ(Cell(fresh, research).value, 10);
}

TEST_F(DifferencingTest, AThreeQueryTrackerLearnsOnlyWhatRoundingLeaves) {
  // Everyone consents to research use; a small group (2) also to group participation, and two
  // large ones (10 each) to quotation and to contact. The team wants the small group's size.
  // Any two of its three questions are not nested, so the pairwise guard lets them through:
  // small = (q(GP or Q) + q(GP or C) - q(Q or C)) / 2.
  const std::map<cv1::Purpose, int> groups = {{cv1::PURPOSE_GROUP_PARTICIPATION, 2},
                                              {cv1::PURPOSE_QUOTATION, 10},
                                              {cv1::PURPOSE_CONTACT, 10}};
  for (const auto& [purpose, size] : groups) {
    for (int i = 0; i < size; ++i) {
      Participant(absl::StrCat("TRACK-", purpose, "-", i), {cv1::PURPOSE_RESEARCH_USE, purpose});
    }
  }
  auto total = [&](const std::vector<std::string>& purposes) {
    anv1::QueryResponse answer;
    const grpc::Status status = Ask(kTeam, {anv1::DIMENSION_CONSENT_STATE}, purposes, &answer);
    EXPECT_TRUE(status.ok()) << status.error_message();
    const Shown given = Cell(answer, {"CONSENT_STATE_GIVEN"});
    EXPECT_TRUE(given.present && !given.suppressed) << answer.DebugString();
    return static_cast<int>(given.value);
  };
  const int small_or_quotation = total({"PURPOSE_GROUP_PARTICIPATION", "PURPOSE_QUOTATION"});
  const int small_or_contact = total({"PURPOSE_GROUP_PARTICIPATION", "PURPOSE_CONTACT"});
  const int quotation_or_contact = total({"PURPOSE_QUOTATION", "PURPOSE_CONTACT"});
  // Every published count is a multiple of 5: each hides up to 2 either way.
  for (int published : {small_or_quotation, small_or_contact, quotation_or_contact}) {
    EXPECT_EQ(published % 5, 0) << published;
  }
  // Every size of the three groups the answers allow, found by brute force, as the attacker
  // would: the small group's size stays uncertain, and "nobody" cannot be ruled out.
  auto shown_as = [](int count, int published) {
    return count > 7 && (count + 2) / 5 * 5 == published;
  };
  std::set<int> possible;
  for (int a = 0; a <= 30; ++a) {
    for (int b = 0; b <= 30; ++b) {
      for (int c = 0; c <= 30; ++c) {
        if (shown_as(a + b, small_or_quotation) && shown_as(a + c, small_or_contact) &&
            shown_as(b + c, quotation_or_contact)) {
          possible.insert(a);
        }
      }
    }
  }
  ASSERT_TRUE(possible.count(2)) << "the true size must be among those the answers allow";
  EXPECT_GE(possible.size(), 3u);
  EXPECT_TRUE(possible.count(0)) << "the attacker can tell the group is not empty";
  std::cout << "tracker: answers " << small_or_quotation << ", " << small_or_contact << ", "
            << quotation_or_contact << "; the small group could be any of " << possible.size()
            << " sizes from " << *possible.begin() << " to " << *possible.rbegin() << "\n";
}

class NoisyAnswersTest : public ResearchAttackTest {
 protected:
  // Noise of epsilon 0.5 per answer from a budget of 2: four answers per team.
  static void SetUpTestSuite() { StartWith({"--epsilon=0.5", "--privacy_budget=2"}); }
};

TEST_F(NoisyAnswersTest, AveragingNoisyAnswersRunsOutOfBudget) {
  for (int i = 0; i < 9; ++i) Participant(absl::StrCat("NOISE-", i), {cv1::PURPOSE_RESEARCH_USE});
  // The team asks the same question again and again to average the noise away.
  int answered = 0;
  grpc::Status refusal;
  anv1::QueryResponse first;
  for (int i = 0; i < 8; ++i) {
    anv1::QueryResponse answer;
    const grpc::Status status =
        Ask(kTeam, {anv1::DIMENSION_PURPOSE}, {}, &answer, absl::StrCat("average-", i));
    if (!status.ok()) {
      refusal = status;
      break;
    }
    if (i == 0) first = answer;
    EXPECT_DOUBLE_EQ(answer.stamp().epsilon_spent(), 0.5);
    ++answered;
  }
  EXPECT_EQ(answered, 4);
  EXPECT_EQ(refusal.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refusal.error_message();
  // A retry of an answered question is the recorded answer, and spends nothing.
  anv1::QueryResponse retried;
  ASSERT_TRUE(Ask(kTeam, {anv1::DIMENSION_PURPOSE}, {}, &retried, "average-0").ok());
  EXPECT_EQ(retried.stamp().query_id(), first.stamp().query_id());
  EXPECT_EQ(retried.table().SerializeAsString(), first.table().SerializeAsString());
  // Another team's budget is its own.
  anv1::QueryResponse other;
  EXPECT_TRUE(Ask(kOtherTeam, {anv1::DIMENSION_PURPOSE}, {}, &other, "other-0").ok());
}

}  // namespace
}  // namespace bridging
