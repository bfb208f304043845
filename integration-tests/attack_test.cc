// Attack tests of the whole suite behind its gateway: personal-data canaries that must never
// appear in any log, metric, audit event or research answer; resource-name path tricks that
// must never reach another tenant's data; and captured principal headers that stop working
// when they expire.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bridging/actions/v1/actions.grpc.pb.h"
#include "bridging/analytics/v1/analytics.grpc.pb.h"
#include "bridging/consent/v1/consent.grpc.pb.h"
#include "bridging/gateway/v1/admin.grpc.pb.h"
#include "integration-tests/suite_test.h"
#include "libs/auth/principal.h"
#include "libs/testing/probes.h"

namespace bridging {
namespace {

namespace cv1 = consent::v1;
namespace av1 = actions::v1;
namespace gv1 = gateway::v1;
namespace anv1 = analytics::v1;

constexpr char kCharity[] = "charities/hope";
constexpr char kOtherCharity[] = "charities/other";
constexpr char kPractice[] = "practices/alpha";
constexpr char kTeam[] = "researchers/team";

// Personal data a partner might type: none of it may leave its owner's store.
constexpr const char* kCanaries[] = {"CANARYREF7731", "Zeldacanary", "Canarywood", "07700 900999",
                                     "canary.person@example.org"};

class AttackTest : public testing::SuiteTest {
 protected:
  static void SetUpTestSuite() {
    testing::LocalSuiteOptions options;
    StartSuite(
        options,
        {{kCharity, "Hope"}, {kOtherCharity, "Other"}, {kPractice, "Alpha"}, {kTeam, "Team"}});
  }

  static std::unique_ptr<gv1::AdminService::Stub> Admin() {
    return gv1::AdminService::NewStub(suite_->GatewayChannel());
  }
  static std::unique_ptr<cv1::ConsentService::Stub> Consent() {
    return cv1::ConsentService::NewStub(suite_->GatewayChannel());
  }

  // A participant of the charity with research consent, and one contribution.
  static cv1::Participant ParticipantWithAContribution(const std::string& reference,
                                                       const std::string& alias,
                                                       const std::string& text) {
    cv1::CreateParticipantRequest create;
    create.set_parent(kCharity);
    create.mutable_participant()->set_charity_reference(reference);
    create.mutable_participant()->set_alias(alias);
    cv1::Participant participant;
    {
      grpc::ClientContext context;
      Authorize(&context, keys_[kCharity]);
      const grpc::Status status = Consent()->CreateParticipant(&context, create, &participant);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    for (cv1::Purpose purpose : {cv1::PURPOSE_RESEARCH_USE, cv1::PURPOSE_QUOTATION}) {
      cv1::RecordConsentRequest record;
      record.set_participant(participant.name());
      record.set_purpose(purpose);
      record.set_method(cv1::CONSENT_METHOD_WRITTEN);
      record.set_recorded_by_role("support worker");
      cv1::ConsentRecord out;
      grpc::ClientContext context;
      Authorize(&context, keys_[kCharity]);
      const grpc::Status status = Consent()->RecordConsent(&context, record, &out);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    cv1::SubmitContributionRequest submit;
    submit.set_parent(participant.name());
    cv1::Contribution* contribution = submit.mutable_contribution();
    contribution->set_source_type(cv1::SOURCE_TYPE_REFLECTIVE_NOTE);
    contribution->set_text(text);
    contribution->add_themes(common::v1::PRINCIPLE_SAFETY);
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    contribution->mutable_occurred_on()->set_year(static_cast<int>(today.year()));
    contribution->mutable_occurred_on()->set_month(today.month());
    contribution->mutable_occurred_on()->set_day(today.day());
    cv1::Contribution out;
    grpc::ClientContext context;
    Authorize(&context, keys_[kCharity]);
    auto contributions = cv1::ContributionService::NewStub(suite_->GatewayChannel());
    const grpc::Status status = contributions->SubmitContribution(&context, submit, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return participant;
  }
};

TEST_F(AttackTest, PersonalDataCanariesNeverReachLogsMetricsAuditOrResearch) {
  // The charity records a woman whose reference, alias and words carry canaries.
  const cv1::Participant participant = ParticipantWithAContribution(
      kCanaries[0], kCanaries[1],
      absl::StrCat("I am Zelda ", kCanaries[2], ", call me on ", kCanaries[3], " or write to ",
                   kCanaries[4], ". The waiting room felt unsafe."));
  // A practice types a name into a progress note.
  auto actions = av1::ActionPlanService::NewStub(suite_->GatewayChannel());
  av1::CreatePlanRequest plan_request;
  plan_request.set_parent(kPractice);
  plan_request.mutable_plan()->set_title("Plan");
  av1::Plan plan;
  {
    grpc::ClientContext context;
    Authorize(&context, keys_[kPractice]);
    ASSERT_TRUE(actions->CreatePlan(&context, plan_request, &plan).ok());
  }
  av1::CreateActionRequest action_request;
  action_request.set_parent(plan.name());
  action_request.mutable_action()->set_title("A quiet room");
  action_request.mutable_action()->set_principle(common::v1::PRINCIPLE_SAFETY);
  action_request.mutable_action()->set_area(common::v1::AREA_RECEPTION_ENVIRONMENT);
  action_request.mutable_action()->set_owner_role("practice manager");
  const absl::CivilDay due =
      absl::ToCivilDay(absl::Now() + absl::Hours(24 * 30), absl::UTCTimeZone());
  action_request.mutable_action()->mutable_due_date()->set_year(static_cast<int>(due.year()));
  action_request.mutable_action()->mutable_due_date()->set_month(due.month());
  action_request.mutable_action()->mutable_due_date()->set_day(due.day());
  av1::Action action;
  {
    grpc::ClientContext context;
    Authorize(&context, keys_[kPractice]);
    ASSERT_TRUE(actions->CreateAction(&context, action_request, &action).ok());
  }
  av1::AddProgressNoteRequest note;
  note.set_name(action.name());
  note.set_text(absl::StrCat("Talked it through with ", kCanaries[2], " at the desk."));
  note.set_author_role("reception lead");
  {
    grpc::ClientContext context;
    Authorize(&context, keys_[kPractice]);
    av1::Action out;
    ASSERT_TRUE(actions->AddProgressNote(&context, note, &out).ok());
  }
  // Bad input carrying a canary is refused; the refusal must not carry it either.
  {
    cv1::CreateParticipantRequest bad;
    bad.set_parent(kCharity);
    bad.mutable_participant()->set_charity_reference(std::string(kCanaries[2]) + "/\n" +
                                                     std::string(300, 'x'));
    cv1::Participant out;
    grpc::ClientContext context;
    Authorize(&context, keys_[kCharity]);
    const grpc::Status status = Consent()->CreateParticipant(&context, bad, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_FALSE(absl::StrContains(status.error_message(), kCanaries[2])) << status.error_message();
  }

  // The research team asks everything it may ask.
  auto analytics = anv1::AnalyticsService::NewStub(suite_->GatewayChannel());
  std::string research;
  for (anv1::Dataset dataset :
       {anv1::DATASET_CONTRIBUTIONS, anv1::DATASET_ACTIONS, anv1::DATASET_CONSENT}) {
    anv1::QueryRequest query;
    query.set_parent(kTeam);
    query.set_dataset(dataset);
    query.add_group_by(dataset == anv1::DATASET_CONSENT   ? anv1::DIMENSION_PURPOSE
                       : dataset == anv1::DATASET_ACTIONS ? anv1::DIMENSION_PRINCIPLE
                                                          : anv1::DIMENSION_THEME);
    query.set_measure(anv1::MEASURE_COUNT);
    anv1::QueryResponse answer;
    grpc::ClientContext context;
    Authorize(&context, keys_[kTeam]);
    const grpc::Status status = analytics->Query(&context, query, &answer);
    EXPECT_TRUE(status.ok()) << status.error_message();
    research += answer.DebugString();
  }
  {
    anv1::ListQuotesRequest quotes;
    quotes.set_parent(kTeam);
    quotes.set_theme(common::v1::PRINCIPLE_SAFETY);
    anv1::ListQuotesResponse answer;
    grpc::ClientContext context;
    Authorize(&context, keys_[kTeam]);
    const grpc::Status status = analytics->ListQuotes(&context, quotes, &answer);
    EXPECT_TRUE(status.ok()) << status.error_message();
    research += answer.DebugString();
  }
  std::string audit;
  {
    gv1::ListAuditEventsRequest request;
    request.set_parent("-");
    request.set_page_size(1000);
    gv1::ListAuditEventsResponse events;
    grpc::ClientContext context;
    Authorize(&context, suite_->admin_key());
    ASSERT_TRUE(Admin()->ListAuditEvents(&context, request, &events).ok());
    ASSERT_GT(events.events_size(), 10);
    audit = events.DebugString();
  }

  // Give the outboxes time to carry everything to analytics, and the logs to be written.
  absl::SleepFor(absl::Seconds(1));
  std::map<std::string, std::string> places = {{"research answers", research},
                                               {"audit events", audit}};
  for (const char* service : {"consent", "actions", "anonymizer", "analytics", "gateway"}) {
    places[absl::StrCat(service, " log")] = suite_->Log(service);
    absl::StatusOr<std::string> metrics =
        testing::HttpGet(suite_->metrics_port(service), "/metrics");
    ASSERT_TRUE(metrics.ok()) << service << ": " << metrics.status();
    places[absl::StrCat(service, " metrics")] = *metrics;
  }
  ASSERT_TRUE(absl::StrContains(places["consent log"], "\"service\":\"consent\""))
      << "the consent log is empty: the scan would prove nothing";
  for (const auto& [place, text] : places) {
    for (const char* canary : kCanaries) {
      EXPECT_FALSE(absl::StrContains(text, canary)) << canary << " reached the " << place;
    }
    // Nor do credentials.
    for (const auto& [org, key] : keys_) {
      EXPECT_FALSE(absl::StrContains(text, key)) << org << "'s API key reached the " << place;
    }
    EXPECT_FALSE(absl::StrContains(text, suite_->admin_key()))
        << "the operator key reached the " << place;
    EXPECT_FALSE(absl::StrContains(text, suite_->principal_secret()))
        << "the principal secret reached the " << place;
  }
  // The charity itself still reads what it holds.
  cv1::GetParticipantRequest get;
  get.set_name(participant.name());
  cv1::Participant read;
  grpc::ClientContext context;
  Authorize(&context, keys_[kCharity]);
  ASSERT_TRUE(Consent()->GetParticipant(&context, get, &read).ok());
  EXPECT_EQ(read.charity_reference(), kCanaries[0]);
}

TEST_F(AttackTest, PathTricksInResourceNamesNeverReachAnotherTenant) {
  const cv1::Participant victim =
      ParticipantWithAContribution("VICTIM-1", "", "The reception was kind to me.");
  const std::string id = victim.name().substr(victim.name().rfind('/') + 1);
  const std::vector<std::string> tricks = {
      victim.name(),
      absl::StrCat("charities/other/../hope/participants/", id),
      absl::StrCat("charities/other/participants/../../hope/participants/", id),
      absl::StrCat("charities/other/participants/", id, "/../../../hope/participants/", id),
      absl::StrCat("charities%2Fhope/participants/", id),
      absl::StrCat("charities/other%2F..%2Fhope/participants/", id),
      absl::StrCat("/charities/hope/participants/", id),
      absl::StrCat("charities/other//participants/", id),
      absl::StrCat("charities/other/participants/", id, std::string(1, '\0'), "charities/hope"),
      absl::StrCat("CHARITIES/hope/participants/", id),
      absl::StrCat("charities/hope/participants/", id, "/"),
      absl::StrCat("charities/hope/participants/", id, "/contributions/-"),
      absl::StrCat("charities/./hope/participants/", id),
      absl::StrCat("charities/hope\\participants\\", id),
      absl::StrCat("charities/hope/participants/", id, "?alt=charities/other"),
      std::string(10000, '/'),
  };
  for (const std::string& name : tricks) {
    cv1::GetParticipantRequest get;
    get.set_name(name);
    cv1::Participant participant;
    grpc::ClientContext context;
    Authorize(&context, keys_[kOtherCharity]);
    const grpc::Status status = Consent()->GetParticipant(&context, get, &participant);
    EXPECT_FALSE(status.ok()) << "another charity read " << name;
    EXPECT_TRUE(status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
                status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
                status.error_code() == grpc::StatusCode::NOT_FOUND)
        << name << ": " << status.error_code() << " " << status.error_message();
    EXPECT_FALSE(absl::StrContains(status.error_message(), "VICTIM-1")) << name;

    cv1::GetConsentStatusRequest consent;
    consent.set_participant(name);
    cv1::ConsentStatus status_answer;
    grpc::ClientContext consent_context;
    Authorize(&consent_context, keys_[kOtherCharity]);
    EXPECT_FALSE(Consent()->GetConsentStatus(&consent_context, consent, &status_answer).ok())
        << "another charity read the consent of " << name;
  }
}

TEST_F(AttackTest, CapturedPrincipalHeadersStopWorkingWhenTheyExpire) {
  // Someone inside the network captures the headers the gateway signed for a call.
  const auth::PrincipalCodec codec(suite_->principal_secret());
  const auth::PrincipalCodec::Signed captured =
      codec.Sign({kCharity, common::v1::ROLE_CHARITY}, absl::Now() + absl::Seconds(2));
  auto consent = cv1::ConsentService::NewStub(suite_->ServiceChannel("consent"));
  auto call = [&](const std::string& value, const std::string& signature) {
    cv1::ListParticipantsRequest request;
    request.set_parent(kCharity);
    cv1::ListParticipantsResponse response;
    grpc::ClientContext context;
    context.AddMetadata(auth::kPrincipalHeader, value);
    context.AddMetadata(auth::kSignatureHeader, signature);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    return consent->ListParticipants(&context, request, &response).error_code();
  };
  // Replayed at once, it works: this is the window a nonce or mutual TLS would close.
  EXPECT_EQ(call(captured.value, captured.signature), grpc::StatusCode::OK);
  // Altered to another organisation, or with its expiry pushed out, it does not.
  std::string other = captured.value;
  other.replace(other.find("charities/hope"), 14, "charities/othe");
  EXPECT_EQ(call(other, captured.signature), grpc::StatusCode::UNAUTHENTICATED);
  std::string later = captured.value;
  later.replace(later.rfind('=') + 1, std::string::npos, "99999999999");
  EXPECT_EQ(call(later, captured.signature), grpc::StatusCode::UNAUTHENTICATED);
  // Signed with another secret, it does not.
  const auth::PrincipalCodec forger(std::string(40, 'f'));
  const auth::PrincipalCodec::Signed forged =
      forger.Sign({kCharity, common::v1::ROLE_CHARITY}, absl::Now() + absl::Minutes(1));
  EXPECT_EQ(call(forged.value, forged.signature), grpc::StatusCode::UNAUTHENTICATED);
  // Replayed after it expired, it does not.
  absl::SleepFor(absl::Seconds(3));
  EXPECT_EQ(call(captured.value, captured.signature), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace bridging
