// TLS everywhere, on the whole suite with certificates from scripts/make-certs.sh: a partner's
// work crosses every hop (gateway to services, consent and actions to the anonymizer and
// analytics, analytics to consent) over mutual TLS and the public ports over TLS; clients
// without TLS, without a client certificate, or with one from another CA are refused.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bridging/analytics/v1/analytics.grpc.pb.h"
#include "bridging/consent/v1/consent.grpc.pb.h"
#include "integration-tests/suite_test.h"
#include "libs/testing/child_process.h"
#include "libs/testing/probes.h"

namespace bridging {
namespace {

namespace cv1 = consent::v1;
namespace anv1 = analytics::v1;

constexpr char kCharity[] = "charities/hope";
constexpr char kTeam[] = "researchers/team";

class TlsTest : public testing::SuiteTest {
 protected:
  static void SetUpTestSuite() {
    testing::LocalSuiteOptions options;
    options.tls = true;
    // Small enough that three people are shown, not withheld.
    options.flags["analytics"] = {"--disclosure_threshold=2", "--rounding_base=1"};
    StartSuite(options, {{kCharity, "Hope"}, {kTeam, "Team"}});
  }

  // The code a ListParticipants call to the consent service directly gets over `channel`.
  static grpc::StatusCode CallConsentDirectly(const std::shared_ptr<grpc::Channel>& channel) {
    auto stub = cv1::ConsentService::NewStub(channel);
    cv1::ListParticipantsRequest request;
    request.set_parent(kCharity);
    cv1::ListParticipantsResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
    return stub->ListParticipants(&context, request, &response).error_code();
  }
};

TEST_F(TlsTest, APartnersWorkCrossesEveryHopOverTls) {
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::string> participant =
        AddParticipant(kCharity, absl::StrCat("TLS-", i), {cv1::PURPOSE_RESEARCH_USE});
    ASSERT_TRUE(participant.ok()) << participant.status();
  }
  // The consents travel consent -> anonymizer -> analytics; the answer needs analytics ->
  // consent (the watermark). Every one of those hops is mutual TLS.
  auto analytics = anv1::AnalyticsService::NewStub(suite_->GatewayChannel());
  int counted = -1;
  for (int attempt = 0; attempt < 100 && counted != 3; ++attempt) {
    anv1::QueryRequest query;
    query.set_parent(kTeam);
    query.set_dataset(anv1::DATASET_CONSENT);
    query.add_group_by(anv1::DIMENSION_PURPOSE);
    query.set_measure(anv1::MEASURE_COUNT);
    anv1::QueryResponse answer;
    grpc::ClientContext context;
    Authorize(&context, keys_[kTeam]);
    const grpc::Status status = analytics->Query(&context, query, &answer);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& row : answer.table().rows()) {
      if (row.labels(0) == "PURPOSE_RESEARCH_USE" && !row.cells(0).suppressed()) {
        counted = static_cast<int>(row.cells(0).value());
      }
    }
    if (counted != 3) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(counted, 3);
}

TEST_F(TlsTest, ThePublicPortsSpeakOnlyTls) {
  // gRPC without TLS gets no answer.
  EXPECT_EQ(CallConsentDirectly(testing::LoopbackChannel(suite_->port("gateway"))),
            grpc::StatusCode::UNAVAILABLE);
  // HTTPS, verified against the CA, answers; plain HTTP does not.
  httplib::SSLClient https("127.0.0.1", suite_->gateway_http_port());
  https.set_ca_cert_path((suite_->tls_dir() + "/ca.crt").c_str());
  https.enable_server_certificate_verification(true);
  auto answer = https.Post("/bridging.gateway.v1.AdminService/WhoAmI",
                           httplib::Headers{{"Authorization", "Bearer " + keys_[kCharity]}}, "{}",
                           "application/json");
  ASSERT_TRUE(answer) << httplib::to_string(answer.error());
  EXPECT_EQ(answer->status, 200) << answer->body;
  EXPECT_NE(answer->body.find("charities/hope"), std::string::npos) << answer->body;
  EXPECT_EQ(answer->get_header_value("Strict-Transport-Security"), "max-age=31536000");
  httplib::Client http("127.0.0.1", suite_->gateway_http_port());
  http.set_connection_timeout(3);
  http.set_read_timeout(3);
  auto plain = http.Post("/bridging.gateway.v1.AdminService/WhoAmI",
                         httplib::Headers{{"Authorization", "Bearer " + keys_[kCharity]}}, "{}",
                         "application/json");
  EXPECT_TRUE(!plain || plain->status != 200);
}

TEST_F(TlsTest, BridgectlSpeaksTlsWhenGivenTheCa) {
  const std::string key_file = suite_->dir() + "/charity.key";
  ASSERT_EQ(
      std::system(absl::StrCat("printf %s '", keys_[kCharity], "' >'", key_file, "'").c_str()), 0);
  const std::vector<std::string> whoami = {
      BRIDGECTL_BINARY, "whoami", "--gateway", suite_->address("gateway"),
      "--key-file",     key_file, "--timeout", "5"};
  std::vector<std::string> with_ca = whoami;
  with_ca.insert(with_ca.end(), {"--ca-file", suite_->tls_dir() + "/ca.crt"});
  absl::StatusOr<std::string> answer = testing::RunAndCapture(with_ca, absl::Seconds(20));
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_NE(answer->find("charities/hope"), std::string::npos) << *answer;
  // Plaintext, or TLS trusting only the system's roots, reaches nothing.
  EXPECT_FALSE(testing::RunAndCapture(whoami, absl::Seconds(20)).ok());
  std::vector<std::string> system_roots = whoami;
  system_roots.push_back("--tls");
  EXPECT_FALSE(testing::RunAndCapture(system_roots, absl::Seconds(20)).ok());
}

TEST_F(TlsTest, ServicesRefuseClientsWithoutAValidCertificate) {
  // TLS trusting the suite's CA but presenting no certificate, and presenting one from
  // another CA, as an outsider would have.
  grpc::SslCredentialsOptions no_certificate;
  no_certificate.pem_root_certs = testing::ReadFile(suite_->tls_dir() + "/ca.crt");
  const std::string stranger = suite_->dir() + "/stranger-tls";
  ASSERT_EQ(std::system(
                absl::StrCat("bash '", MAKE_CERTS_SCRIPT, "' '", stranger, "' >/dev/null").c_str()),
            0);
  grpc::SslCredentialsOptions stranger_certificate = no_certificate;
  stranger_certificate.pem_cert_chain = testing::ReadFile(stranger + "/gateway.crt");
  stranger_certificate.pem_private_key = testing::ReadFile(stranger + "/gateway.key");
  for (const char* service : {"consent", "actions", "anonymizer", "analytics"}) {
    SCOPED_TRACE(service);
    auto code = [&](std::shared_ptr<grpc::ChannelCredentials> credentials) {
      return testing::CheckHealth(testing::LoopbackChannel(suite_->port(service), credentials), "")
          .status()
          .code();
    };
    // Plaintext, TLS with no client certificate, and another CA's certificate: no
    // connection at all.
    EXPECT_EQ(code(nullptr), absl::StatusCode::kUnavailable);
    EXPECT_EQ(code(grpc::SslCredentials(no_certificate)), absl::StatusCode::kUnavailable);
    EXPECT_EQ(code(grpc::SslCredentials(stranger_certificate)), absl::StatusCode::kUnavailable);
    // With the suite's own certificate the connection is made: health answers.
    EXPECT_TRUE(testing::CheckHealth(suite_->ServiceChannel(service), "").ok());
  }
  // TLS is not authorisation: a valid certificate without the gateway's signed principal
  // is still refused.
  EXPECT_EQ(CallConsentDirectly(suite_->ServiceChannel("consent")),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace bridging
