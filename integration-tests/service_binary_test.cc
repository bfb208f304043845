// Black-box tests of each service binary as deployed: configured through environment
// variables and flags, reached only over gRPC and HTTP, stopped with SIGTERM.
#include <signal.h>

#include <fstream>
#include <functional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bridging/actions/v1/actions.grpc.pb.h"
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

// One service binary and a first write that only an authenticated owner may make; the
// write carries something an operator would type (a reference or a title) that must never
// reach the logs.
struct Binary {
  std::string name;
  std::string path;
  std::string grpc_service;
  std::string typed_text;
  std::function<grpc::Status(const std::shared_ptr<grpc::Channel>&, grpc::ClientContext*)> write;
};

std::vector<Binary> Binaries() {
  return {
      {"consent", CONSENT_BINARY, "bridging.consent.v1.ConsentService", "CR-BLACKBOX",
       [](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* context) {
         consent::v1::CreateParticipantRequest request;
         request.set_parent("charities/sunflower");
         request.mutable_participant()->set_charity_reference("CR-BLACKBOX");
         consent::v1::Participant out;
         return consent::v1::ConsentService::NewStub(channel)->CreateParticipant(context, request,
                                                                                 &out);
       }},
      {"actions", ACTIONS_BINARY, "bridging.actions.v1.ActionPlanService", "Blackbox plan title",
       [](const std::shared_ptr<grpc::Channel>& channel, grpc::ClientContext* context) {
         actions::v1::CreatePlanRequest request;
         request.set_parent("practices/riverside");
         request.mutable_plan()->set_title("Blackbox plan title");
         actions::v1::Plan out;
         return actions::v1::ActionPlanService::NewStub(channel)->CreatePlan(context, request,
                                                                             &out);
       }},
  };
}

// Test names and failure messages show the binary's name, not its bytes.
void PrintTo(const Binary& binary, std::ostream* os) { *os << binary.name; }

auth::Principal OwnerFor(const Binary& binary) {
  return binary.name == "consent"
             ? auth::Principal{"charities/sunflower", common::v1::ROLE_CHARITY}
             : auth::Principal{"practices/riverside", common::v1::ROLE_PRACTICE};
}

class ServiceBinaryTest : public ::testing::TestWithParam<Binary> {
 protected:
  void SetUp() override {
    auto redis = testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = std::move(*redis);
    secret_file_ = redis_->dir() + "/principal.secret";
    std::ofstream(secret_file_) << kSecret << "\n";
    log_file_ = redis_->dir() + "/" + GetParam().name + ".log";
    port_ = testing::PickFreeLoopbackPort();
    metrics_port_ = testing::PickFreeLoopbackPort();
  }

  absl::StatusOr<ChildProcess> StartService(const std::string& secret_file) {
    // Ports and Redis come from the environment, the secret from a flag: both paths are used.
    return ChildProcess::Start(
        {GetParam().path, absl::StrCat("--principal_secret_file=", secret_file)},
        {{"BRIDGING_PORT", absl::StrCat(port_)},
         {"BRIDGING_METRICS_PORT", absl::StrCat(metrics_port_)},
         {"BRIDGING_REDIS_ADDR", redis_->address()}},
        log_file_);
  }

  std::unique_ptr<testing::RedisServer> redis_;
  std::string secret_file_, log_file_;
  int port_ = 0, metrics_port_ = 0;
};

TEST_P(ServiceBinaryTest, ServesConfiguredByEnvironmentAndStopsCleanlyOnSigterm) {
  const Binary& binary = GetParam();
  auto service = StartService(secret_file_);
  ASSERT_TRUE(service.ok()) << service.status();
  auto channel = testing::LoopbackChannel(port_);
  ASSERT_TRUE(testing::WaitForHealth(channel, HealthCheckResponse::SERVING, absl::Seconds(20)))
      << testing::ReadFile(log_file_);

  auto services = testing::ReflectionListServices(channel);
  ASSERT_TRUE(services.ok());
  EXPECT_NE(services->find(binary.grpc_service), std::string::npos);

  {
    grpc::ClientContext anonymous;
    EXPECT_EQ(binary.write(channel, &anonymous).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext context;
    auth::PrincipalCodec(kSecret).Attach(OwnerFor(binary), &context);
    const grpc::Status status = binary.write(channel, &context);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  auto metrics = testing::HttpGet(metrics_port_, "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_NE(metrics->find("grpc_code=\"OK\",grpc_method=\"/" + binary.grpc_service),
            std::string::npos);
  EXPECT_NE(metrics->find("bridging_store_operations_total"), std::string::npos);

  // Drop our connection as a departing client would; the service then drains at once.
  channel.reset();
  ASSERT_TRUE(service->Signal(SIGTERM).ok());
  const auto exit_code = service->WaitForExit(absl::Seconds(20));
  ASSERT_TRUE(exit_code.has_value()) << "did not stop on SIGTERM";
  EXPECT_EQ(*exit_code, 0);

  const std::string log = testing::ReadFile(log_file_);
  EXPECT_NE(log.find("\"event\":\"shutdown_requested\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"event\":\"server_stopped\""), std::string::npos) << log;
  // Logs carry resource names, never what people typed.
  EXPECT_EQ(log.find(binary.typed_text), std::string::npos);
  EXPECT_EQ(log.find(kSecret), std::string::npos);
}

TEST_P(ServiceBinaryTest, RefusesToStartWithoutASecret) {
  const std::string short_secret = redis_->dir() + "/short.secret";
  std::ofstream(short_secret) << "too-short\n";
  for (const std::string& file : {std::string("/nonexistent/secret"), short_secret}) {
    auto service = StartService(file);
    ASSERT_TRUE(service.ok());
    const auto exit_code = service->WaitForExit(absl::Seconds(20));
    ASSERT_TRUE(exit_code.has_value());
    EXPECT_EQ(*exit_code, 1);
  }
  EXPECT_NE(testing::ReadFile(log_file_).find("\"event\":\"startup_failed\""), std::string::npos);
}

TEST_P(ServiceBinaryTest, StartsWhileRedisIsDownAndBecomesServingWhenItComesBack) {
  ASSERT_TRUE(redis_->Kill(SIGKILL).ok());
  auto service = StartService(secret_file_);
  ASSERT_TRUE(service.ok());
  auto channel = testing::LoopbackChannel(port_);
  EXPECT_TRUE(testing::WaitForHealth(channel, HealthCheckResponse::NOT_SERVING, absl::Seconds(20)));
  ASSERT_TRUE(redis_->Restart().ok());
  EXPECT_TRUE(testing::WaitForHealth(channel, HealthCheckResponse::SERVING, absl::Seconds(20)));
}

INSTANTIATE_TEST_SUITE_P(Services, ServiceBinaryTest, ::testing::ValuesIn(Binaries()),
                         [](const ::testing::TestParamInfo<Binary>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace bridging
