// Implements the service host: server bootstrap, readiness loop, metrics and shutdown.
#include "libs/server/service_host.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <signal.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "libs/common/log.h"
#include "libs/server/grpc_metrics.h"

namespace bridging::server {
namespace {

// Drops the process-wide reflection plugin from one server, for a service that registers
// its own grpc.reflection.v1alpha.ServerReflection.
class WithoutBuiltinReflection final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->erase(std::remove_if(plugins->begin(), plugins->end(),
                                  [](const auto& plugin) {
                                    return plugin->name() == "proto_server_reflection";
                                  }),
                   plugins->end());
  }
};

}  // namespace

ServiceHost::ServiceHost(ServiceHostOptions options)
    : options_(std::move(options)), registry_(std::make_shared<prometheus::Registry>()) {}

ServiceHost::~ServiceHost() { Shutdown(); }

void ServiceHost::AddService(grpc::Service* service) { services_.push_back(service); }

void ServiceHost::AddReadinessCheck(std::string name, std::function<absl::Status()> check) {
  checks_.emplace_back(std::move(name), std::move(check));
}

absl::Status ServiceHost::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  builder.AddListeningPort(
      options_.listen_address,
      options_.credentials != nullptr ? options_.credentials : grpc::InsecureServerCredentials(),
      &port_);
  for (grpc::Service* service : services_) builder.RegisterService(service);
  if (generic_service_ != nullptr) builder.RegisterCallbackGenericService(generic_service_);
  if (!options_.builtin_reflection) builder.SetOption(std::make_unique<WithoutBuiltinReflection>());
  // gRPC sets SO_REUSEPORT by default, which lets a second process silently share the port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
  builder.SetMaxSendMessageSize(options_.max_message_bytes);
  // Keepalive: detect dead peers behind NAT/load balancers; allow client pings every 10 s.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20 * 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10 * 1000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 3);

  auto metrics = std::make_shared<GrpcServerMetrics>(*registry_);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(std::make_unique<MetricsInterceptorFactory>(metrics, options_.known_method));
  builder.experimental().SetInterceptorCreators(std::move(creators));

  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", options_.listen_address, " (in use or invalid)"));
  }
  if (!options_.metrics_address.empty()) {
    // The Exposer's civetweb server reports a bind failure by throwing; catch it here so no
    // exception crosses into the service.
    try {
      exposer_ = std::make_unique<prometheus::Exposer>(options_.metrics_address);
    } catch (const std::exception& e) {
      server_->Shutdown();
      return absl::UnavailableError(
          absl::StrCat("cannot serve metrics on ", options_.metrics_address, ": ", e.what()));
    }
    exposer_->RegisterCollectable(registry_);
  }
  SetServing(false);
  readiness_thread_ = std::thread([this] { ReadinessLoop(); });
  Log(LogLevel::kInfo, "server_started",
      {{"address", options_.listen_address},
       {"port", absl::StrCat(port_)},
       {"metrics_port", absl::StrCat(metrics_port())}});
  return absl::OkStatus();
}

int ServiceHost::metrics_port() const {
  if (exposer_ == nullptr) return 0;
  const auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

bool ServiceHost::ready() const {
  absl::MutexLock lock(&mu_);
  return ready_;
}

void ServiceHost::SetServing(bool serving) {
  auto* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus(serving);  // every registered service name and ""
}

void ServiceHost::ReadinessLoop() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    bool all_ok = true;
    std::string failed;
    mu_.Unlock();
    for (const auto& [name, check] : checks_) {
      const absl::Status status = check();
      if (!status.ok()) {
        all_ok = false;
        failed = absl::StrCat(name, ": ", status.message());
        break;
      }
    }
    mu_.Lock();
    if (stopping_) break;
    if (all_ok != ready_) {
      ready_ = all_ok;
      SetServing(all_ok);
      Log(all_ok ? LogLevel::kInfo : LogLevel::kWarning, all_ok ? "serving" : "not_serving",
          {{"reason", all_ok ? "all dependencies healthy" : failed}});
    }
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.readiness_interval);
  }
}

void ServiceHost::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (shut_down_) return;
    shut_down_ = true;
    stopping_ = true;
    ready_ = false;
  }
  if (readiness_thread_.joinable()) readiness_thread_.join();
  if (server_ != nullptr) {
    // Tell load balancers first, then drain.
    auto* health = server_->GetHealthCheckService();
    if (health != nullptr) health->Shutdown();
    server_->Shutdown(std::chrono::system_clock::now() +
                      absl::ToChronoMilliseconds(options_.shutdown_grace));
    server_->Wait();
    Log(LogLevel::kInfo, "server_stopped", {{"address", options_.listen_address}});
  }
  exposer_.reset();
}

void ServiceHost::RunUntilSignalled() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int signal_number = 0;
  sigwait(&set, &signal_number);
  Log(LogLevel::kInfo, "shutdown_requested", {{"signal", absl::StrCat(signal_number)}});
  Shutdown();
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace bridging::server
