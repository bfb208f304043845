// Black-box tests of the anonymizer binary as deployed: configured through environment
// variables and flags, reached only over gRPC and HTTP, stopped with SIGTERM. Its keys come
// from a file and must never reach its output.
#include <signal.h>
#include <unistd.h>

#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "bridging/anonymizer/v1/anonymizer.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/auth/principal.h"
#include "libs/common/crypto.h"
#include "libs/testing/child_process.h"
#include "libs/testing/probes.h"
#include "libs/testing/redis_server.h"

namespace bridging {
namespace {

using grpc::health::v1::HealthCheckResponse;
using testing::ChildProcess;

constexpr char kSecret[] = "integration-test-secret-of-at-least-32-bytes";
const std::string kKey1 = "an-old-pseudonym-key-of-32-bytes";
const std::string kKey2 = "the-signing-pseudonym-key-of-40-bytes!!!";

class AnonymizerBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/anonymizer-", getpid(), "-",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_EQ(system(absl::StrCat("mkdir -p '", dir_, "'").c_str()), 0);
    secret_file_ = dir_ + "/principal.secret";
    std::ofstream(secret_file_) << kSecret << "\n";
    key_file_ = dir_ + "/pseudonym.keys";
    std::ofstream(key_file_) << "# k1 retired 2024-01\nk1:" << absl::Base64Escape(kKey1)
                             << "\nk2:" << absl::Base64Escape(kKey2) << "\n";
    log_file_ = dir_ + "/anonymizer.log";
    port_ = testing::PickFreeLoopbackPort();
    metrics_port_ = testing::PickFreeLoopbackPort();
  }

  void TearDown() override { ASSERT_EQ(system(absl::StrCat("rm -rf '", dir_, "'").c_str()), 0); }

  absl::StatusOr<ChildProcess> StartAnonymizer(const std::string& key_file) {
    // Ports and the key file come from the environment, the secret from a flag.
    return ChildProcess::Start(
        {ANONYMIZER_BINARY, absl::StrCat("--principal_secret_file=", secret_file_)},
        {{"BRIDGING_PORT", absl::StrCat(port_)},
         {"BRIDGING_METRICS_PORT", absl::StrCat(metrics_port_)},
         {"BRIDGING_PSEUDONYM_KEY_FILE", key_file}},
        log_file_);
  }

  std::string dir_, secret_file_, key_file_, log_file_;
  int port_ = 0, metrics_port_ = 0;
};

TEST_F(AnonymizerBinaryTest, ServesEveryRpcToServicesAndStopsCleanlyOnSigterm) {
  auto anonymizer = StartAnonymizer(key_file_);
  ASSERT_TRUE(anonymizer.ok()) << anonymizer.status();
  auto channel = testing::LoopbackChannel(port_);
  ASSERT_TRUE(testing::WaitForHealth(channel, HealthCheckResponse::SERVING, absl::Seconds(20)))
      << testing::ReadFile(log_file_);
  auto services = testing::ReflectionListServices(channel);
  ASSERT_TRUE(services.ok());
  EXPECT_NE(services->find("bridging.anonymizer.v1.AnonymizerService"), std::string::npos);

  auto stub = anonymizer::v1::AnonymizerService::NewStub(channel);
  const auth::PrincipalCodec codec(kSecret);
  auto as_service = [&] {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    codec.Attach({"services/consent", common::v1::ROLE_SERVICE}, context.get());
    return context;
  };

  anonymizer::v1::PseudonymizeRequest pseudonymize;
  pseudonymize.set_domain("participant");
  pseudonymize.add_identifiers("charities/sunflower/participants/p1");
  anonymizer::v1::PseudonymizeResponse pseudonyms;
  {
    grpc::ClientContext charity;
    codec.Attach({"charities/sunflower", common::v1::ROLE_CHARITY}, &charity);
    EXPECT_EQ(stub->Pseudonymize(&charity, pseudonymize, &pseudonyms).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  ASSERT_TRUE(stub->Pseudonymize(as_service().get(), pseudonymize, &pseudonyms).ok());
  EXPECT_EQ(pseudonyms.key_version(), "k2");
  EXPECT_EQ(pseudonyms.pseudonyms(0),
            HmacSha256Hex(
                kKey2, std::string("participant") + '\0' + "charities/sunflower/participants/p1"));

  anonymizer::v1::RedactTextRequest redact;
  redact.set_text("Call Siobhan on 07700 900461 about the 14th May appointment.");
  anonymizer::v1::RedactTextResponse redacted;
  ASSERT_TRUE(stub->RedactText(as_service().get(), redact, &redacted).ok());
  EXPECT_EQ(redacted.redacted_text(), "Call [NAME] on [PHONE] about the [DATE] appointment.");

  anonymizer::v1::GeneralizeRequest generalize;
  generalize.mutable_record()->set_age(19);
  anonymizer::v1::GeneralizeResponse generalized;
  ASSERT_TRUE(stub->Generalize(as_service().get(), generalize, &generalized).ok());
  EXPECT_EQ(generalized.record().age_band(), "18-24");

  anonymizer::v1::CheckKAnonymityRequest check;
  check.add_columns("district");
  check.add_rows()->add_values("LS6");
  check.add_quasi_identifiers("district");
  check.set_k(2);
  anonymizer::v1::CheckKAnonymityResponse checked;
  ASSERT_TRUE(stub->CheckKAnonymity(as_service().get(), check, &checked).ok());
  EXPECT_FALSE(checked.k_anonymous());

  anonymizer::v1::ApplyDisclosureControlRequest control;
  control.mutable_table()->add_columns("count");
  control.mutable_table()->add_rows()->add_cells()->set_value(4);
  anonymizer::v1::ApplyDisclosureControlResponse controlled;
  ASSERT_TRUE(stub->ApplyDisclosureControl(as_service().get(), control, &controlled).ok());
  EXPECT_TRUE(controlled.table().rows(0).cells(0).suppressed());

  auto metrics = testing::HttpGet(metrics_port_, "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_NE(metrics->find("RedactText\"} 1"), std::string::npos) << *metrics;

  stub.reset();
  channel.reset();
  ASSERT_TRUE(anonymizer->Signal(SIGTERM).ok());
  const auto exit_code = anonymizer->WaitForExit(absl::Seconds(20));
  ASSERT_TRUE(exit_code.has_value()) << "did not stop on SIGTERM";
  EXPECT_EQ(*exit_code, 0);

  const std::string log = testing::ReadFile(log_file_);
  EXPECT_NE(log.find("\"event\":\"pseudonym_keys_loaded\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"versions\":\"k1,k2\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"event\":\"server_stopped\""), std::string::npos) << log;
  // Neither the keys nor what was redacted ever reach the log.
  for (const std::string& secret :
       {kKey1, kKey2, absl::Base64Escape(kKey1), absl::Base64Escape(kKey2), std::string(kSecret),
        std::string("Siobhan"), std::string("900461")}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret;
  }
}

TEST_F(AnonymizerBinaryTest, RefusesToStartWithoutUsableKeys) {
  const std::string short_key = dir_ + "/short.keys";
  std::ofstream(short_key) << "k1:" << absl::Base64Escape("far-too-short-key") << "\n";
  const std::string empty = dir_ + "/empty.keys";
  std::ofstream(empty) << "# nothing here\n";
  for (const std::string& file : {std::string("/nonexistent/keys"), short_key, empty}) {
    auto anonymizer = StartAnonymizer(file);
    ASSERT_TRUE(anonymizer.ok());
    const auto exit_code = anonymizer->WaitForExit(absl::Seconds(20));
    ASSERT_TRUE(exit_code.has_value());
    EXPECT_EQ(*exit_code, 1) << file;
  }
  const std::string log = testing::ReadFile(log_file_);
  EXPECT_NE(log.find("\"event\":\"startup_failed\""), std::string::npos);
  EXPECT_NE(log.find("pseudonym_key_file"), std::string::npos) << log;
  EXPECT_EQ(log.find(absl::Base64Escape("far-too-short-key")), std::string::npos) << log;
}

}  // namespace
}  // namespace bridging
