// bridging-demo: waits for each service to be SERVING, then loads the demo charity and
// practices through the public APIs (idempotent), prints what it loaded, and shows what the
// demo research team sees once analytics has caught up.
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "libs/auth/principal.h"
#include "scripts/demo/demo.h"

ABSL_FLAG(std::string, consent_target, "127.0.0.1:7101", "The consent service");
ABSL_FLAG(std::string, actions_target, "127.0.0.1:7102", "The actions service");
ABSL_FLAG(std::string, analytics_target, "127.0.0.1:7104", "The analytics service");
ABSL_FLAG(std::string, secret_file, ".state/secrets/principal.secret", "Principal secret");
ABSL_FLAG(int, wait_seconds, 30, "How long to wait for each service to be SERVING");

namespace {

std::shared_ptr<grpc::Channel> ServingChannel(const std::string& target, absl::Duration timeout) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  auto health = grpc::health::v1::Health::NewStub(channel);
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    if (health->Check(&context, request, &response).ok() &&
        response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return channel;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  std::cerr << target << " is not SERVING; see .state/logs/\n";
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto secret = bridging::auth::LoadSecretFile(absl::GetFlag(FLAGS_secret_file));
  if (!secret.ok()) {
    std::cerr << secret.status().message() << "\n";
    return 2;
  }
  const absl::Duration wait = absl::Seconds(absl::GetFlag(FLAGS_wait_seconds));
  auto consent = ServingChannel(absl::GetFlag(FLAGS_consent_target), wait);
  auto actions = ServingChannel(absl::GetFlag(FLAGS_actions_target), wait);
  auto analytics = ServingChannel(absl::GetFlag(FLAGS_analytics_target), wait);
  if (consent == nullptr || actions == nullptr || analytics == nullptr) return 1;
  std::cout << "\nThe charity (" << bridging::demo::kCharity << "):\n";
  if (!bridging::demo::LoadConsentDemo(consent, *secret)) return 1;
  std::cout << "\nThe practices:\n";
  if (!bridging::demo::LoadActionsDemo(actions, *secret)) return 1;
  std::cout << "\nThe research team (" << bridging::demo::kResearchTeam
            << "), through analytics:\n";
  if (!bridging::demo::ShowAnalyticsDemo(analytics, *secret, wait)) return 1;
  return 0;
}
