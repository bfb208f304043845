// bridging-health: asks one or more services for their gRPC health (grpc.health.v1) and, with
// --wait, keeps asking until every one is SERVING. For scripts (run-local.sh waits with it)
// and container health checks. Exit 0 when all are SERVING, 1 otherwise.
#include <grpcpp/create_channel.h>
#include <grpcpp/grpcpp.h>

#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"

ABSL_FLAG(int, wait_seconds, 0, "Keep asking until every target is SERVING, up to this long");

namespace {

using grpc::health::v1::HealthCheckResponse;

// The target's status as a word: SERVING, NOT_SERVING, or why it could not be asked.
std::string Ask(grpc::health::v1::Health::Stub& stub) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
  grpc::health::v1::HealthCheckRequest request;
  HealthCheckResponse response;
  grpc::Status status = stub.Check(&context, request, &response);
  if (!status.ok()) return "unreachable (" + status.error_message() + ")";
  return HealthCheckResponse::ServingStatus_Name(response.status());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> targets = absl::ParseCommandLine(argc, argv);
  targets.erase(targets.begin());
  if (targets.empty()) {
    std::cerr << "usage: bridging-health [--wait_seconds=N] HOST:PORT...\n";
    return 2;
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_wait_seconds));
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  bool all_serving = true;
  for (const char* target : targets) {
    auto stub = grpc::health::v1::Health::NewStub(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
    std::string state = Ask(*stub);
    while (state != "SERVING" && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(200));
      state = Ask(*stub);
    }
    std::cout << target << " " << state << "\n";
    all_serving = all_serving && state == "SERVING";
  }
  return all_serving ? 0 : 1;
}
