// bridging-health: asks one or more services for their gRPC health (grpc.health.v1) and, with
// --wait, keeps asking until every one is SERVING. For scripts (run-local.sh waits with it)
// and container health checks. Exit 0 when all are SERVING, 1 otherwise. With --tls_ca_file it
// speaks TLS (and with --tls_cert_file/--tls_key_file presents a certificate, for services that
// require mutual TLS).
#include <grpcpp/create_channel.h>
#include <grpcpp/grpcpp.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "libs/server/tls.h"

ABSL_FLAG(int, wait_seconds, 0, "Keep asking until every target is SERVING, up to this long");
ABSL_FLAG(std::string, tls_ca_file, "", "Speak TLS, verifying the targets against this PEM CA");
ABSL_FLAG(std::string, tls_cert_file, "", "PEM certificate to present (mutual TLS)");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key of --tls_cert_file");

namespace {

using grpc::health::v1::HealthCheckResponse;

// The target's status as a word: SERVING, NOT_SERVING, or why it could not be asked.
std::string Ask(grpc::health::v1::Health::Stub& stub) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
  // Waiting for the channel, rather than failing fast while it reconnects, keeps this thread
  // polling it: a client-only process has no other poller, and without one each step of a
  // (TLS) connection waits for gRPC's 5-second backup poller.
  context.set_wait_for_ready(true);
  grpc::health::v1::HealthCheckRequest request;
  HealthCheckResponse response;
  grpc::Status status = stub.Check(&context, request, &response);
  if (!status.ok()) return "unreachable (" + status.error_message() + ")";
  return HealthCheckResponse::ServingStatus_Name(response.status());
}

// Plaintext without --tls_ca_file; else TLS verified against it, presenting our certificate
// when one is given.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials() {
  const std::string ca = absl::GetFlag(FLAGS_tls_ca_file);
  if (ca.empty()) return bridging::server::ChannelCredentials(std::nullopt);
  bridging::server::TlsMaterial tls;
  absl::StatusOr<std::string> pem = bridging::server::ReadPemFile(ca, "--tls_ca_file");
  if (!pem.ok()) return pem.status();
  tls.ca_pem = *std::move(pem);
  if (!absl::GetFlag(FLAGS_tls_cert_file).empty()) {
    pem = bridging::server::ReadPemFile(absl::GetFlag(FLAGS_tls_cert_file), "--tls_cert_file");
    if (!pem.ok()) return pem.status();
    tls.cert_pem = *std::move(pem);
    pem = bridging::server::ReadPemFile(absl::GetFlag(FLAGS_tls_key_file), "--tls_key_file");
    if (!pem.ok()) return pem.status();
    tls.key_pem = *std::move(pem);
  }
  return bridging::server::ChannelCredentials(tls);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> targets = absl::ParseCommandLine(argc, argv);
  targets.erase(targets.begin());
  if (targets.empty()) {
    std::cerr << "usage: bridging-health [--wait_seconds=N] [--tls_ca_file=F [--tls_cert_file=F "
                 "--tls_key_file=F]] HOST:PORT...\n";
    return 2;
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(absl::GetFlag(FLAGS_wait_seconds));
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  const absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials = Credentials();
  if (!credentials.ok()) {
    std::cerr << "bridging-health: " << credentials.status().message() << "\n";
    return 2;
  }
  bool all_serving = true;
  for (const char* target : targets) {
    auto stub =
        grpc::health::v1::Health::NewStub(grpc::CreateCustomChannel(target, *credentials, args));
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
