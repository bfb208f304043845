// Attack tests of the whole suite behind its gateway: personal-data canaries that must never
// appear in any log, metric, audit event or research answer; resource-name path tricks that
// must never reach another tenant's data; forged, captured and replayed principal headers on
// every RPC, over gRPC and HTTP, at the gateway and at each service; oversized, deeply nested
// and malformed messages; and one tenant's flood while another is measured.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "bridging/actions/v1/actions.grpc.pb.h"
#include "bridging/analytics/v1/analytics.grpc.pb.h"
#include "bridging/consent/v1/consent.grpc.pb.h"
#include "bridging/gateway/v1/admin.grpc.pb.h"
#include "integration-tests/raw_calls.h"
#include "integration-tests/suite_test.h"
#include "libs/auth/policy.h"
#include "libs/auth/principal.h"
#include "libs/common/contract.h"
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

  // A participant of the charity with research and quotation consent, and one contribution.
  static std::string ParticipantWithAContribution(const std::string& reference,
                                                  const std::string& alias,
                                                  const std::string& text) {
    absl::StatusOr<std::string> participant = AddParticipant(
        kCharity, reference, {cv1::PURPOSE_RESEARCH_USE, cv1::PURPOSE_QUOTATION}, alias);
    EXPECT_TRUE(participant.ok()) << participant.status();
    cv1::SubmitContributionRequest submit;
    submit.set_parent(participant.value_or(""));
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
    return participant.value_or("");
  }
};

TEST_F(AttackTest, PersonalDataCanariesNeverReachLogsMetricsAuditOrResearch) {
  // The charity records a woman whose reference, alias and words carry canaries.
  const std::string participant = ParticipantWithAContribution(
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
  get.set_name(participant);
  cv1::Participant read;
  grpc::ClientContext context;
  Authorize(&context, keys_[kCharity]);
  ASSERT_TRUE(Consent()->GetParticipant(&context, get, &read).ok());
  EXPECT_EQ(read.charity_reference(), kCanaries[0]);
}

TEST_F(AttackTest, PathTricksInResourceNamesNeverReachAnotherTenant) {
  const std::string victim =
      ParticipantWithAContribution("VICTIM-1", "", "The reception was kind to me.");
  const std::string id = victim.substr(victim.rfind('/') + 1);
  const std::vector<std::string> tricks = {
      victim,
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

// A Connect/JSON call to the gateway's HTTP port: the HTTP status and the body.
struct HttpAnswer {
  int status = 0;  // 0: no answer at all
  std::string body;
};

HttpAnswer PostHttp(int port, const std::string& path, const std::string& body,
                    const httplib::Headers& headers,
                    const std::string& content_type = "application/json") {
  httplib::Client http("127.0.0.1", port);
  http.set_connection_timeout(5);
  http.set_read_timeout(10);
  http.set_tcp_nodelay(true);
  auto answer = http.Post(path, headers, body, content_type);
  if (!answer) return {};
  return {answer->status, answer->body};
}

// The Connect error code in an error body ("" when the body is not one).
std::string ConnectCode(const std::string& body) {
  const size_t at = body.find("\"code\":\"");
  if (at == std::string::npos) return "";
  const size_t start = at + 8;
  return body.substr(start, body.find('"', start) - start);
}

// The service of the suite that owns a contract method's package ("consent" for
// bridging.consent.v1); "gateway" for the gateway's own.
std::string OwnerOf(const google::protobuf::MethodDescriptor& method) {
  const std::vector<std::string> parts = absl::StrSplit(method.service()->file()->package(), '.');
  return parts.size() > 1 ? parts[1] : "";
}

std::string PathOf(const google::protobuf::MethodDescriptor& method) {
  return absl::StrCat("/", method.service()->full_name(), "/", method.name());
}

TEST_F(AttackTest, EveryRpcIgnoresPrincipalHeadersSentToTheGateway) {
  // An insider captured headers the gateway signed for the charity, and for an operator, and
  // sends them with a practice's own key, or with no key, over gRPC and over HTTP. The gateway
  // drops them and signs its own: every answer is the one the practice's key alone gets.
  const auth::PrincipalCodec codec(suite_->principal_secret());
  const absl::Time soon = absl::Now() + absl::Minutes(5);
  const std::vector<auth::PrincipalCodec::Signed> captured = {
      codec.Sign({kCharity, common::v1::ROLE_CHARITY}, soon),
      codec.Sign({"operators/bootstrap", common::v1::ROLE_ADMIN}, soon)};
  auto forged_grpc = [](const auth::PrincipalCodec::Signed& principal) {
    return testing::Metadata{{auth::kPrincipalHeader, principal.value},
                             {auth::kSignatureHeader, principal.signature}};
  };
  const testing::Metadata practice_key = {{"authorization", "Bearer " + keys_[kPractice]}};
  int cases = 0;
  for (const google::protobuf::MethodDescriptor* method : ContractMethods()) {
    SCOPED_TRACE(PathOf(*method));
    // Aimed at the charity's resources where the method names one.
    const std::string request = testing::RequestNaming(*method, kCharity);
    const testing::RawAnswer baseline =
        testing::CallRaw(suite_->GatewayChannel(), PathOf(*method), request, practice_key);
    std::string json;
    {
      std::unique_ptr<google::protobuf::Message> message(
          google::protobuf::MessageFactory::generated_factory()
              ->GetPrototype(method->input_type())
              ->New());
      ASSERT_TRUE(message->ParseFromString(request));
      ASSERT_TRUE(google::protobuf::util::MessageToJsonString(*message, &json).ok());
    }
    const httplib::Headers http_key = {{"Authorization", "Bearer " + keys_[kPractice]}};
    const HttpAnswer http_baseline =
        PostHttp(suite_->gateway_http_port(), PathOf(*method), json, http_key);
    ASSERT_NE(http_baseline.status, 0);
    for (const auto& principal : captured) {
      testing::Metadata with_key = forged_grpc(principal);
      with_key.insert(with_key.end(), practice_key.begin(), practice_key.end());
      const testing::RawAnswer forged =
          testing::CallRaw(suite_->GatewayChannel(), PathOf(*method), request, with_key);
      EXPECT_EQ(forged.status.error_code(), baseline.status.error_code())
          << principal.value << ": " << forged.status.error_message();
      EXPECT_EQ(forged.bytes.empty(), baseline.bytes.empty());
      const testing::RawAnswer keyless = testing::CallRaw(suite_->GatewayChannel(), PathOf(*method),
                                                          request, forged_grpc(principal));
      EXPECT_EQ(keyless.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);

      httplib::Headers http_forged = {{auth::kPrincipalHeader, principal.value},
                                      {auth::kSignatureHeader, principal.signature}};
      const HttpAnswer http_keyless =
          PostHttp(suite_->gateway_http_port(), PathOf(*method), json, http_forged);
      EXPECT_EQ(http_keyless.status, 401) << http_keyless.body;
      http_forged.insert(http_key.begin(), http_key.end());
      const HttpAnswer http_with_key =
          PostHttp(suite_->gateway_http_port(), PathOf(*method), json, http_forged);
      EXPECT_EQ(http_with_key.status, http_baseline.status) << http_with_key.body;
      EXPECT_EQ(ConnectCode(http_with_key.body), ConnectCode(http_baseline.body));
      cases += 4;
    }
  }
  // WhoAmI names the key's organisation whatever the headers claim.
  testing::Metadata with_key = forged_grpc(captured[1]);
  with_key.insert(with_key.end(), practice_key.begin(), practice_key.end());
  const testing::RawAnswer who = testing::CallRaw(
      suite_->GatewayChannel(), "/bridging.gateway.v1.AdminService/WhoAmI", "", with_key);
  ASSERT_TRUE(who.status.ok()) << who.status.error_message();
  gv1::WhoAmIResponse whoami;
  ASSERT_TRUE(whoami.ParseFromString(who.bytes));
  EXPECT_EQ(whoami.organization(), kPractice);
  std::cout << "forged principal headers at the gateway: " << cases << " cases\n";
}

TEST_F(AttackTest, EveryServiceRpcRefusesForgedExpiredOrAlteredPrincipals) {
  // Someone on the services' network calls each service directly.
  const auth::PrincipalCodec codec(suite_->principal_secret());
  const auth::PrincipalCodec forger(std::string(48, 'f'));
  const auth::PrincipalCodec::Signed fresh =
      codec.Sign({kCharity, common::v1::ROLE_CHARITY}, absl::Now() + absl::Minutes(5));
  const auth::PrincipalCodec::Signed expired =
      codec.Sign({kCharity, common::v1::ROLE_CHARITY}, absl::Now() - absl::Seconds(1));
  auth::PrincipalCodec::Signed altered = fresh;
  altered.value.replace(altered.value.find("ROLE_CHARITY"), 12, "ROLE_SERVICE");
  const std::map<std::string, testing::Metadata> refused = {
      {"no principal", {}},
      {"signed with another secret",
       {{auth::kPrincipalHeader, fresh.value},
        {auth::kSignatureHeader,
         forger.Sign({kCharity, common::v1::ROLE_CHARITY}, absl::Now() + absl::Minutes(5))
             .signature}}},
      {"forged outright",
       {{auth::kPrincipalHeader,
         absl::StrCat("v1;org=", kCharity, ";role=ROLE_ADMIN;exp=9999999999")},
        {auth::kSignatureHeader, std::string(64, '0')}}},
      {"expired",
       {{auth::kPrincipalHeader, expired.value}, {auth::kSignatureHeader, expired.signature}}},
      {"altered role",
       {{auth::kPrincipalHeader, altered.value}, {auth::kSignatureHeader, altered.signature}}},
      {"signature only", {{auth::kSignatureHeader, fresh.signature}}},
      {"an API key instead", {{"authorization", "Bearer " + keys_[kCharity]}}},
  };
  int methods = 0;
  for (const google::protobuf::MethodDescriptor* method : ContractMethods()) {
    const std::string owner = OwnerOf(*method);
    if (owner == "gateway") continue;  // served by the gateway itself, behind its keys
    SCOPED_TRACE(PathOf(*method));
    ++methods;
    const std::string request = testing::RequestNaming(*method, kCharity);
    const auto channel = suite_->ServiceChannel(owner);
    for (const auto& [how, headers] : refused) {
      const testing::RawAnswer answer =
          testing::CallRaw(channel, PathOf(*method), request, headers);
      EXPECT_EQ(answer.status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << how;
      EXPECT_TRUE(answer.bytes.empty()) << how;
    }
    // The control: the genuine header authenticates (the policy may still refuse the role).
    const testing::RawAnswer genuine = testing::CallRaw(
        channel, PathOf(*method), request,
        {{auth::kPrincipalHeader, fresh.value}, {auth::kSignatureHeader, fresh.signature}});
    EXPECT_NE(genuine.status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << genuine.status.error_message();
  }
  EXPECT_GT(methods, 25);
  std::cout << "principal attacks at the services: " << methods << " methods x " << refused.size()
            << " forgeries\n";
}

TEST_F(AttackTest, OversizedNestedAndMalformedRequestsAreRefusedAndLoseNothing) {
  const int port = suite_->gateway_http_port();
  const httplib::Headers key = {{"Authorization", "Bearer " + keys_[kCharity]}};
  const std::string create = "/bridging.consent.v1.ConsentService/CreateParticipant";
  const std::string nest(100000, '[');
  struct Case {
    std::string what;
    std::string body;
    std::string content_type;
    int want_status;
  };
  const std::vector<Case> cases = {
      {"empty body", "", "application/json", 400},
      {"not JSON", "parent=charities/hope", "application/json", 400},
      {"truncated", R"({"parent":"charities/hope","participant":{"alias":"Ann")",
       "application/json", 400},
      {"trailing garbage", R"({"parent":"charities/hope"} {"parent":"x"})", "application/json",
       400},
      {"a JSON array", R"([{"parent":"charities/hope"}])", "application/json", 400},
      {"wrong type", R"({"parent":42})", "application/json", 400},
      {"unknown field", R"({"parent":"charities/hope","isAdmin":true})", "application/json", 400},
      {"invalid UTF-8", "{\"parent\":\"charities/hope\",\"participant\":{\"alias\":\"\xff\xfe\"}}",
       "application/json", 400},
      {"a NUL in a string", std::string("{\"parent\":\"charities/hope\\u0000x\"}"),
       "application/json", 400},
      {"nested arrays 100000 deep", R"({"parent":"charities/hope","participant":)" + nest,
       "application/json", 400},
      {"nested objects 20000 deep",
       [] {
         std::string body = R"({"parent":"charities/hope","participant":)";
         for (int i = 0; i < 20000; ++i) body += R"({"alias":)";
         return body + "\"x\"" + std::string(20000, '}') + "}";
       }(),
       "application/json", 400},
      {"a huge number", R"({"parent":"charities/hope","participant":{"alias":1e999999}})",
       "application/json", 400},
      {"text/plain", R"({"parent":"charities/hope"})", "text/plain", 415},
      {"oversized (8 MiB)",
       R"({"parent":"charities/hope","participant":{"alias":")" + std::string(8 << 20, 'a') +
           "\"}}",
       "application/json", 413},
  };
  // The gateway answers an oversized body before reading it all and closes the connection:
  // the client's writes then fail, which must not kill the test.
  std::signal(SIGPIPE, SIG_IGN);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const HttpAnswer answer = PostHttp(port, create, c.body, key, c.content_type);
    if (c.want_status == 413 && answer.status == 0) continue;  // closed while still sending
    EXPECT_EQ(answer.status, c.want_status) << answer.body.substr(0, 300);
    EXPECT_LT(answer.body.size(), 2000u) << "the refusal echoes the request";
  }
  // Over gRPC: a message of 50000 nested groups (unknown field 1000), and one over the size
  // limit.
  std::string groups;
  for (int i = 0; i < 50000; ++i) groups += "\xc3\x3e";  // tag (1000 << 3) | START_GROUP
  const testing::Metadata grpc_key = {{"authorization", "Bearer " + keys_[kCharity]}};
  EXPECT_EQ(
      testing::CallRaw(suite_->GatewayChannel(), create, groups, grpc_key).status.error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  cv1::CreateParticipantRequest big;
  big.set_parent(kCharity);
  big.mutable_participant()->set_alias(std::string(3 << 20, 'a'));
  EXPECT_EQ(testing::CallRaw(suite_->GatewayChannel(), create, big.SerializeAsString(), grpc_key)
                .status.error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // None of it was stored, and the suite still answers at once.
  cv1::ListParticipantsRequest list;
  list.set_parent(kCharity);
  list.set_page_size(1000);
  cv1::ListParticipantsResponse participants;
  grpc::ClientContext context;
  Authorize(&context, keys_[kCharity]);
  ASSERT_TRUE(Consent()->ListParticipants(&context, list, &participants).ok());
  for (const cv1::Participant& participant : participants.participants()) {
    EXPECT_LT(participant.alias().size(), 1000u);
  }
  EXPECT_TRUE(testing::CheckHealth(suite_->GatewayChannel(), "").ok());
  EXPECT_TRUE(testing::CheckHealth(suite_->ServiceChannel("consent"), "").ok());
}

// One tenant floods the gateway over HTTP while another works beside it.
class TenantFloodTest : public testing::SuiteTest {
 protected:
  static void SetUpTestSuite() {
    testing::LocalSuiteOptions options;
    options.flags["gateway"] = {"--rate_limit_rps=50", "--rate_limit_burst=100"};
    StartSuite(options, {{"researchers/flood", "Flood"}, {kCharity, "Hope"}});
  }
};

TEST_F(TenantFloodTest, OneTenantsHttpFloodDoesNotShutOutAnother) {
  const int port = suite_->gateway_http_port();
  const std::string who_am_i = "/bridging.gateway.v1.AdminService/WhoAmI";
  const httplib::Headers flooder = {{"Authorization", "Bearer " + keys_["researchers/flood"]}};
  const httplib::Headers neighbour = {{"Authorization", "Bearer " + keys_[kCharity]}};
  // The neighbour's latency alone first, then beside the flood.
  auto measure = [&](int calls, std::vector<double>* millis, int* failures) {
    for (int i = 0; i < calls; ++i) {
      const absl::Time start = absl::Now();
      const HttpAnswer answer = PostHttp(port, who_am_i, "{}", neighbour);
      millis->push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
      if (answer.status != 200) ++*failures;
      absl::SleepFor(absl::Milliseconds(40));  // 25 calls/s: inside the neighbour's own limit
    }
  };
  std::vector<double> alone, beside;
  int failures_alone = 0, failures_beside = 0;
  measure(25, &alone, &failures_alone);
  std::atomic<bool> stop{false};
  std::atomic<int> flood_calls{0}, flood_limited{0};
  std::vector<std::thread> flood;
  for (int t = 0; t < 4; ++t) {
    flood.emplace_back([&] {
      httplib::Client http("127.0.0.1", port);
      http.set_keep_alive(true);
      http.set_tcp_nodelay(true);  // else each call waits 40 ms for a delayed ACK
      while (!stop) {
        auto answer = http.Post(who_am_i, flooder, "{}", "application/json");
        ++flood_calls;
        if (answer && answer->status == 429) ++flood_limited;
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(300));
  measure(50, &beside, &failures_beside);
  stop = true;
  for (std::thread& thread : flood) thread.join();
  EXPECT_EQ(failures_alone, 0);
  EXPECT_EQ(failures_beside, 0);
  EXPECT_GT(flood_limited.load(), flood_calls.load() / 2) << "the flood was not limited";
  auto median = [](std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
  };
  std::cout << "flood: " << flood_calls << " calls, " << flood_limited
            << " refused (429); neighbour p50 " << median(alone) << " ms alone, " << median(beside)
            << " ms beside the flood (ratio " << median(beside) / std::max(median(alone), 0.001)
            << ")\n";
}

}  // namespace
}  // namespace bridging
