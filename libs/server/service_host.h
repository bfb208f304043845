// One way to run any Bridging service: gRPC server with health checking that follows the
// service's dependencies, server reflection, Prometheus /metrics with per-method metrics,
// keepalive, message size limits, and graceful shutdown on SIGTERM.
//
//   ServiceHost host({.service_name = "consent", .listen_address = "127.0.0.1:7001"});
//   host.AddService(&consent_service);
//   host.AddReadinessCheck("redis", [&] { return store.Ping(); });
//   RETURN_IF_ERROR(host.Start());
//   host.RunUntilSignalled();
#pragma once

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace bridging::server {

struct ServiceHostOptions {
  // Short name used in logs, e.g. "consent".
  std::string service_name;
  // gRPC listen address; port 0 picks a free port (see ServiceHost::port()).
  std::string listen_address = "127.0.0.1:0";
  // Prometheus endpoint address; empty disables it; port 0 picks a free port.
  std::string metrics_address;
  int max_message_bytes = 4 * 1024 * 1024;
  // How often readiness checks run.
  absl::Duration readiness_interval = absl::Seconds(1);
  // How long in-flight calls get to finish on shutdown.
  absl::Duration shutdown_grace = absl::Seconds(10);
  // False when the service serves its own reflection (the gateway describes the services it
  // proxies, which the built-in reflection cannot see).
  bool builtin_reflection = true;
  // When set, only these method paths become metric labels; others count as "unknown".
  std::function<bool(absl::string_view)> known_method;
  // How the gRPC port is secured (see libs/server/tls.h); null means plaintext.
  std::shared_ptr<grpc::ServerCredentials> credentials;
};

class ServiceHost {
 public:
  explicit ServiceHost(ServiceHostOptions options);
  ~ServiceHost();
  ServiceHost(const ServiceHost&) = delete;
  ServiceHost& operator=(const ServiceHost&) = delete;

  // The registry services and stores add their own metrics to.
  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

  // Registers a service (not owned; must outlive the host). Call before Start().
  void AddService(grpc::Service* service);

  // Takes every call no registered service handles (not owned). Call before Start().
  void SetGenericService(grpc::CallbackGenericService* service) { generic_service_ = service; }

  // A dependency the service needs to be SERVING (e.g. its Redis). Call before Start().
  void AddReadinessCheck(std::string name, std::function<absl::Status()> check);

  // Binds, starts serving and starts the readiness loop. UNAVAILABLE if the port is taken.
  absl::Status Start();

  int port() const { return port_; }
  int metrics_port() const;

  // True while every readiness check passed at its last run.
  bool ready() const;

  // Marks NOT_SERVING, lets in-flight calls finish (up to shutdown_grace), stops. Idempotent.
  void Shutdown();

  // Blocks until SIGTERM or SIGINT (blocked with BlockTerminationSignals()), then Shutdown().
  void RunUntilSignalled();

 private:
  void ReadinessLoop();
  void SetServing(bool serving);

  ServiceHostOptions options_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::vector<grpc::Service*> services_;
  grpc::CallbackGenericService* generic_service_ = nullptr;
  std::vector<std::pair<std::string, std::function<absl::Status()>>> checks_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::thread readiness_thread_;
  int port_ = 0;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool ready_ ABSL_GUARDED_BY(mu_) = false;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts later, so
// RunUntilSignalled() can wait for them. Call first thing in main().
void BlockTerminationSignals();

}  // namespace bridging::server
