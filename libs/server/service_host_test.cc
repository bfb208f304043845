// Tests the service host end to end over loopback: health follows readiness checks,
// reflection answers, /metrics records per-method counts, shutdown is clean.
#include "libs/server/service_host.h"

#include <atomic>

#include "gtest/gtest.h"
#include "libs/testing/probes.h"

namespace bridging::server {
namespace {

using grpc::health::v1::HealthCheckResponse;
using testing::CheckHealth;
using testing::LoopbackChannel;
using testing::WaitForHealth;

ServiceHostOptions TestOptions() {
  ServiceHostOptions options;
  options.service_name = "test";
  options.listen_address = "127.0.0.1:0";
  options.readiness_interval = absl::Milliseconds(20);
  options.shutdown_grace = absl::Seconds(1);
  return options;
}

TEST(ServiceHostTest, HealthFollowsReadiness) {
  std::atomic<bool> dependency_up{false};
  ServiceHost host(TestOptions());
  host.AddReadinessCheck("dependency", [&] {
    return dependency_up ? absl::OkStatus() : absl::UnavailableError("down");
  });
  ASSERT_TRUE(host.Start().ok());
  auto channel = LoopbackChannel(host.port());
  EXPECT_TRUE(WaitForHealth(channel, HealthCheckResponse::NOT_SERVING, absl::Seconds(5)));
  dependency_up = true;
  EXPECT_TRUE(WaitForHealth(channel, HealthCheckResponse::SERVING, absl::Seconds(5)));
  EXPECT_TRUE(host.ready());
  dependency_up = false;
  EXPECT_TRUE(WaitForHealth(channel, HealthCheckResponse::NOT_SERVING, absl::Seconds(5)));
}

TEST(ServiceHostTest, ReflectionListsServices) {
  ServiceHost host(TestOptions());
  ASSERT_TRUE(host.Start().ok());
  auto listing = testing::ReflectionListServices(LoopbackChannel(host.port()));
  ASSERT_TRUE(listing.ok()) << listing.status();
  EXPECT_NE(listing->find("grpc.health.v1.Health"), std::string::npos);
  EXPECT_NE(listing->find("grpc.reflection.v1alpha.ServerReflection"), std::string::npos);
}

TEST(ServiceHostTest, MetricsCountCallsByMethodAndCode) {
  ServiceHostOptions options = TestOptions();
  options.metrics_address = "127.0.0.1:0";
  ServiceHost host(options);
  ASSERT_TRUE(host.Start().ok());
  auto channel = LoopbackChannel(host.port());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(CheckHealth(channel).ok());
  ASSERT_FALSE(CheckHealth(channel, "no.such.Service").ok());  // NOT_FOUND
  auto body = testing::HttpGet(host.metrics_port(), "/metrics");
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_NE(body->find("bridging_grpc_server_handled_total{grpc_code=\"OK\",grpc_method=\"/grpc."
                       "health.v1.Health/Check\"} 3"),
            std::string::npos)
      << *body;
  EXPECT_NE(body->find("grpc_code=\"NOT_FOUND\",grpc_method=\"/grpc.health.v1.Health/Check\"} 1"),
            std::string::npos);
  EXPECT_NE(body->find("bridging_grpc_server_handling_seconds_bucket"), std::string::npos);
}

TEST(ServiceHostTest, ShutdownIsIdempotentAndStopsServing) {
  ServiceHost host(TestOptions());
  ASSERT_TRUE(host.Start().ok());
  auto channel = LoopbackChannel(host.port());
  ASSERT_TRUE(CheckHealth(channel).ok());
  host.Shutdown();
  host.Shutdown();
  EXPECT_FALSE(CheckHealth(channel).ok());
}

TEST(ServiceHostTest, PortInUseIsAnError) {
  ServiceHost first(TestOptions());
  ASSERT_TRUE(first.Start().ok());
  ServiceHostOptions options = TestOptions();
  options.listen_address = "127.0.0.1:" + std::to_string(first.port());
  ServiceHost second(options);
  const absl::Status status = second.Start();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace bridging::server
