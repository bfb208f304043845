// Black-box tests of the consent binary as deployed: configured through environment
// variables and flags, reached only over gRPC and HTTP, stopped with SIGTERM.
#include <signal.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "bridging/consent/v1/consent.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/auth/principal.h"
#include "libs/testing/child_process.h"
#include "libs/testing/probes.h"
#include "libs/testing/redis_server.h"

namespace bridging {
namespace {

using grpc::health::v1::HealthCheckResponse;
using testing::ChildProcess;

constexpr char kSecret[] = "integration-test-secret-of-at-least-32-bytes";

class ConsentBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    secret_file_ = redis_->dir() + "/principal.secret";
    std::ofstream(secret_file_) << kSecret << "\n";
    log_file_ = redis_->dir() + "/consent.log";
    port_ = testing::PickFreeLoopbackPort();
    metrics_port_ = testing::PickFreeLoopbackPort();
  }

  absl::StatusOr<ChildProcess> StartConsent(const std::string& secret_file) {
    // Ports and Redis come from the environment, the secret from a flag: both paths are used.
    return ChildProcess::Start(
        {CONSENT_BINARY, absl::StrCat("--principal_secret_file=", secret_file)},
        {{"BRIDGING_PORT", absl::StrCat(port_)},
         {"BRIDGING_METRICS_PORT", absl::StrCat(metrics_port_)},
         {"BRIDGING_REDIS_ADDR", redis_->address()}},
        log_file_);
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::string secret_file_, log_file_;
  int port_ = 0, metrics_port_ = 0;
};

TEST_F(ConsentBinaryTest, ServesConfiguredByEnvironmentAndStopsCleanlyOnSigterm) {
  auto consent = StartConsent(secret_file_);
  ASSERT_TRUE(consent.ok()) << consent.status();
  auto channel = testing::LoopbackChannel(port_);
  ASSERT_TRUE(testing::WaitForHealth(channel, HealthCheckResponse::SERVING, absl::Seconds(20)))
      << testing::ReadFile(log_file_);

  auto services = testing::ReflectionListServices(channel);
  ASSERT_TRUE(services.ok());
  EXPECT_NE(services->find("bridging.consent.v1.ConsentService"), std::string::npos);

  auto stub = consent::v1::ConsentService::NewStub(channel);
  consent::v1::CreateParticipantRequest request;
  request.set_parent("charities/sunflower");
  request.mutable_participant()->set_charity_reference("CR-BLACKBOX");
  consent::v1::Participant participant;
  {
    grpc::ClientContext anonymous;
    EXPECT_EQ(stub->CreateParticipant(&anonymous, request, &participant).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext context;
    auth::PrincipalCodec(kSecret).Attach({"charities/sunflower", common::v1::ROLE_CHARITY},
                                         &context);
    const grpc::Status status = stub->CreateParticipant(&context, request, &participant);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  auto metrics = testing::HttpGet(metrics_port_, "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_NE(metrics->find("CreateParticipant\"} 1"), std::string::npos);
  EXPECT_NE(metrics->find("bridging_store_operations_total"), std::string::npos);

  // Drop our connection as a departing client would; the service then drains at once.
  stub.reset();
  channel.reset();
  ASSERT_TRUE(consent->Signal(SIGTERM).ok());
  const auto exit_code = consent->WaitForExit(absl::Seconds(20));
  ASSERT_TRUE(exit_code.has_value()) << "did not stop on SIGTERM";
  EXPECT_EQ(*exit_code, 0);

  const std::string log = testing::ReadFile(log_file_);
  EXPECT_NE(log.find("\"event\":\"shutdown_requested\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"event\":\"server_stopped\""), std::string::npos) << log;
  // Logs carry resource names, never what the charity typed about a person.
  EXPECT_EQ(log.find("CR-BLACKBOX"), std::string::npos);
  EXPECT_EQ(log.find(kSecret), std::string::npos);
}

TEST_F(ConsentBinaryTest, RefusesToStartWithoutASecret) {
  const std::string short_secret = redis_->dir() + "/short.secret";
  std::ofstream(short_secret) << "too-short\n";
  for (const std::string& file : {std::string("/nonexistent/secret"), short_secret}) {
    auto consent = StartConsent(file);
    ASSERT_TRUE(consent.ok());
    const auto exit_code = consent->WaitForExit(absl::Seconds(20));
    ASSERT_TRUE(exit_code.has_value());
    EXPECT_EQ(*exit_code, 1);
  }
  EXPECT_NE(testing::ReadFile(log_file_).find("\"event\":\"startup_failed\""), std::string::npos);
}

TEST_F(ConsentBinaryTest, StartsWhileRedisIsDownAndBecomesServingWhenItComesBack) {
  ASSERT_TRUE(redis_->Kill(SIGKILL).ok());
  auto consent = StartConsent(secret_file_);
  ASSERT_TRUE(consent.ok());
  auto channel = testing::LoopbackChannel(port_);
  EXPECT_TRUE(testing::WaitForHealth(channel, HealthCheckResponse::NOT_SERVING, absl::Seconds(20)));
  ASSERT_TRUE(redis_->Restart().ok());
  EXPECT_TRUE(testing::WaitForHealth(channel, HealthCheckResponse::SERVING, absl::Seconds(20)));
}

}  // namespace
}  // namespace bridging
