// The whole suite as processes for black-box tests: a Redis per owning service and one for
// the gateway, the consent, actions, anonymizer and analytics binaries, and the gateway in
// front of them, all on free loopback ports in a temporary folder. Tests reach it as a
// partner would, through the gateway, with the operator key the gateway bootstraps.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "libs/testing/child_process.h"
#include "libs/testing/redis_server.h"

namespace bridging::testing {

// The five service binaries of this build, by service name.
std::map<std::string, std::string> BuiltBinaries();

struct LocalSuiteOptions {
  // Binary paths by service name: consent, actions, anonymizer, analytics, gateway.
  std::map<std::string, std::string> binaries = BuiltBinaries();
  // Extra flags by service name.
  std::map<std::string, std::vector<std::string>> flags;
  // Services to start (default: all five).
  std::vector<std::string> services = {"anonymizer", "analytics", "consent", "actions", "gateway"};
  // Certificates from scripts/make-certs.sh: mutual TLS between every part, and TLS on the
  // gateway's public gRPC and HTTP ports.
  bool tls = false;
};

class LocalSuite {
 public:
  static absl::StatusOr<std::unique_ptr<LocalSuite>> Start(LocalSuiteOptions options);
  ~LocalSuite();  // SIGKILLs every process; keeps the folder when `keep_logs` was set

  int port(const std::string& service) const { return ports_.at(service); }
  // Where the service serves Prometheus /metrics.
  int metrics_port(const std::string& service) const { return metrics_ports_.at(service); }
  std::string address(const std::string& service) const;
  int gateway_http_port() const { return http_port_; }
  // A partner's channel to the gateway (with TLS: verifying it against the suite's CA).
  std::shared_ptr<grpc::Channel> GatewayChannel() const;
  // A channel to `service` as another part of the suite opens it (with TLS: presenting the
  // gateway's certificate).
  std::shared_ptr<grpc::Channel> ServiceChannel(const std::string& service) const;
  // The certificates' folder (ca.crt, <service>.crt/.key, gateway-public.crt/.key) when tls.
  std::string tls_dir() const { return dir_ + "/tls"; }
  // The operator API key the gateway bootstrapped.
  const std::string& admin_key() const { return admin_key_; }
  // Registers organisation `name` (e.g. charities/hope) through the gateway with the operator
  // key, and issues it an API key valid for an hour; returns the key's secret.
  absl::StatusOr<std::string> AddOrganization(const std::string& name,
                                              const std::string& display_name) const;
  // The Redis of an owning service ("consent", "actions", "analytics", "gateway").
  RedisServer& redis(const std::string& owner) { return *redis_.at(owner); }
  const std::string& dir() const { return dir_; }
  const std::string& principal_secret() const { return secret_; }

  // Starts (again) one service and waits until it is SERVING.
  absl::Status StartService(const std::string& service);
  // Sends `signal` and waits for the process to exit.
  absl::Status StopService(const std::string& service, int signal);
  // The service's log, for failure messages.
  std::string Log(const std::string& service) const;
  // Prints every log's tail to stderr (call when a test failed).
  void DumpLogs() const;

 private:
  explicit LocalSuite(LocalSuiteOptions options) : options_(std::move(options)) {}
  std::vector<std::string> ArgvOf(const std::string& service) const;

  LocalSuiteOptions options_;
  std::string dir_;
  std::string secret_;
  std::string admin_key_;
  int http_port_ = 0;
  std::map<std::string, int> ports_;
  std::map<std::string, int> metrics_ports_;
  std::map<std::string, std::unique_ptr<RedisServer>> redis_;
  std::map<std::string, std::optional<ChildProcess>> processes_;
  // With tls: a partner's (verifies the gateway) and a peer's (also presents the gateway's
  // certificate); null otherwise (plaintext).
  std::shared_ptr<grpc::ChannelCredentials> partner_credentials_;
  std::shared_ptr<grpc::ChannelCredentials> peer_credentials_;
};

}  // namespace bridging::testing
