// Assembles and runs the gateway.
#include "services/gateway/gateway.h"

#include <grpcpp/server_builder.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bridging/gateway/v1/admin.grpc.pb.h"
#include "libs/common/contract.h"
#include "libs/common/crypto.h"
#include "libs/common/log.h"
#include "libs/common/status_macros.h"

namespace bridging::gateway {
namespace {

// Reads the bootstrap secret, or writes a fresh one (readable by the owner only).
absl::StatusOr<std::string> LoadOrCreateSecret(const std::string& path) {
  if (access(path.c_str(), F_OK) == 0) return auth::LoadSecretFile(path);
  const std::string secret = RandomId(48);
  const mode_t old_mask = umask(077);
  std::ofstream out(path, std::ios::trunc);
  out << secret << "\n";
  out.close();
  umask(old_mask);
  if (!out) {
    return absl::FailedPreconditionError(
        absl::StrCat("bootstrap_admin_key_file: cannot write ", path));
  }
  return secret;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Create(GatewayOptions options) {
  ASSIGN_OR_RETURN(std::vector<RouteTable::Route> routes, RouteTable::ParseSpec(options.routes));
  std::optional<JwtVerifier> jwt;
  if (options.jwt.has_value()) {
    ASSIGN_OR_RETURN(JwtVerifier verifier, JwtVerifier::Create(*options.jwt));
    jwt = std::move(verifier);
  }
  std::unique_ptr<Gateway> gateway(new Gateway(std::move(options)));
  Gateway& g = *gateway;
  auto clock = [] { return absl::Now(); };
  g.keys_ = std::make_unique<KeyRegistry>(*g.store_, clock, g.options_.credential_cache_ttl);
  g.audit_ = std::make_unique<AuditLog>(*g.store_, *g.host_.registry(), g.options_.audit);
  g.authenticator_ = std::make_unique<Authenticator>(g.keys_.get(), std::move(jwt), clock);
  g.limiter_ = std::make_unique<Limiter>(g.options_.limits);

  // AdminService runs on a server with no port: only the gate reaches it, in process.
  g.admin_ = std::make_unique<AdminServiceImpl>(g.keys_.get(), g.audit_.get(), &g.codec_);
  grpc::ServerBuilder admin_builder;
  admin_builder.RegisterService(g.admin_.get());
  g.admin_server_ = admin_builder.BuildAndStart();
  if (g.admin_server_ == nullptr) return absl::InternalError("cannot start AdminService");
  routes.push_back({v1::AdminService::service_full_name(), "", kAdminRoute});
  g.routes_ = std::make_unique<RouteTable>(
      routes,
      std::map<std::string, std::shared_ptr<grpc::Channel>>{
          {kAdminRoute, g.admin_server_->InProcessChannel(grpc::ChannelArguments())}},
      g.options_.backend_credentials);

  g.gate_ = std::make_unique<CallGate>(g.methods_, *g.routes_, *g.authenticator_, *g.limiter_,
                                       *g.audit_, g.codec_, *g.host_.registry(), g.options_.gate);
  std::vector<std::string> services = ContractServices();
  services.push_back("grpc.health.v1.Health");
  services.push_back("grpc.reflection.v1alpha.ServerReflection");
  g.reflection_ = std::make_unique<ContractReflection>(std::move(services));
  g.proxy_ = std::make_unique<GrpcProxy>(g.gate_.get(), g.reflection_.get());
  g.host_.SetGenericService(g.proxy_.get());
  store::InstrumentedStore* store = g.store_.get();
  g.host_.AddReadinessCheck("redis", [store] { return store->Ping(); });
  AuditLog* audit = g.audit_.get();
  g.host_.AddReadinessCheck("audit", [audit] { return audit->CheckAccepting(); });
  if (g.options_.http.has_value()) {
    g.http_ = std::make_unique<ConnectServer>(g.methods_, *g.gate_, *g.options_.http);
  }
  return gateway;
}

Gateway::Gateway(GatewayOptions options)
    : options_(std::move(options)),
      methods_(ContractServices()),
      host_([this] {
        server::ServiceHostOptions host = options_.host;
        host.builtin_reflection = false;
        // Any path a client makes up reaches the proxy; only contract methods become labels.
        host.known_method = [this](absl::string_view path) {
          return methods_.Find(path) != nullptr;
        };
        return host;
      }()),
      store_(std::make_unique<store::InstrumentedStore>(store::RedisStore::Create(options_.redis),
                                                        "gateway", *host_.registry())),
      codec_(options_.principal_secret) {}

Gateway::~Gateway() { Shutdown(); }

absl::Status Gateway::Start() {
  if (!options_.bootstrap_admin_key_file.empty()) {
    ASSIGN_OR_RETURN(std::string secret, LoadOrCreateSecret(options_.bootstrap_admin_key_file));
    absl::StatusOr<v1::ApiKey> key =
        keys_->EnsureBootstrapKey(options_.bootstrap_organization, secret);
    if (!key.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("bootstrap admin key: ", key.status().message()));
    }
    Log(LogLevel::kInfo, "bootstrap_key_ready", {{"api_key", key->name()}});
  }
  audit_->Start();
  RETURN_IF_ERROR(host_.Start());
  if (http_ != nullptr) RETURN_IF_ERROR(http_->Start());
  Log(LogLevel::kInfo, "gateway_started",
      {{"grpc_port", absl::StrCat(port())},
       {"http_port", absl::StrCat(http_port())},
       {"methods", absl::StrCat(methods_.methods().size())}});
  return absl::OkStatus();
}

int Gateway::http_port() const { return http_ == nullptr ? 0 : http_->port(); }

void Gateway::RunUntilSignalled() {
  host_.RunUntilSignalled();
  Shutdown();
}

void Gateway::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  if (http_ != nullptr) http_->Stop();
  host_.Shutdown();
  if (admin_server_ != nullptr) admin_server_->Shutdown(std::chrono::system_clock::now());
  // Every call has finished and been recorded: append the last events.
  audit_->Stop();
}

}  // namespace bridging::gateway
