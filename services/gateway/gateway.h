// The whole gateway assembled from its parts: the gRPC host (health, its own reflection,
// /metrics, the generic proxy), the in-process AdminService, the key registry and audit log
// on the gateway's Redis, the limiter, the routing table and, optionally, the Connect/JSON
// HTTP server. main.cc fills GatewayOptions from flags; tests build one in-process.
#pragma once

#include <grpcpp/security/credentials.h>
#include <grpcpp/server.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "libs/auth/principal.h"
#include "libs/server/service_host.h"
#include "libs/store/instrumented_store.h"
#include "libs/store/redis_store.h"
#include "services/gateway/admin_service.h"
#include "services/gateway/audit_log.h"
#include "services/gateway/authenticator.h"
#include "services/gateway/call_gate.h"
#include "services/gateway/connect_server.h"
#include "services/gateway/contract_reflection.h"
#include "services/gateway/grpc_proxy.h"
#include "services/gateway/jwt_verifier.h"
#include "services/gateway/key_registry.h"
#include "services/gateway/limiter.h"
#include "services/gateway/method_table.h"
#include "services/gateway/route_table.h"

namespace bridging::gateway {

// The route name of the gateway's own AdminService.
inline constexpr char kAdminRoute[] = "inprocess:admin";

struct GatewayOptions {
  server::ServiceHostOptions host;
  store::RedisOptions redis;
  std::string principal_secret;
  // RouteTable::ParseSpec syntax; AdminService is always routed to the gateway itself.
  std::string routes;
  std::optional<JwtOptions> jwt;
  LimiterOptions limits;
  GateOptions gate;
  AuditLogOptions audit;
  absl::Duration credential_cache_ttl = absl::Seconds(1);
  // Connect/JSON over HTTP/1.1; nullopt disables it.
  std::optional<ConnectServerOptions> http;
  // Secures the calls to the services (mutual TLS; see libs/server/tls.h); plaintext by
  // default.
  // The public ports' own TLS is in host.credentials and http.
  std::shared_ptr<grpc::ChannelCredentials> backend_credentials =
      grpc::InsecureChannelCredentials();
  // When set, a file holding the first operator key (created with a fresh secret, mode 0600,
  // if missing) so a fresh deployment can be administered.
  std::string bootstrap_admin_key_file;
  std::string bootstrap_organization = "operators/bootstrap";
};

class Gateway {
 public:
  // INVALID_ARGUMENT naming the option for bad routes or JWT keys.
  static absl::StatusOr<std::unique_ptr<Gateway>> Create(GatewayOptions options);
  ~Gateway();

  // Serves; UNAVAILABLE if a port is taken. The bootstrap key is ensured first (which needs
  // the gateway's Redis; FAILED_PRECONDITION if it cannot be written).
  absl::Status Start();
  void RunUntilSignalled();
  void Shutdown();

  int port() const { return host_.port(); }
  int metrics_port() const { return host_.metrics_port(); }
  // 0 when HTTP is disabled.
  int http_port() const;
  bool ready() const { return host_.ready(); }

  KeyRegistry& keys() { return *keys_; }
  AuditLog& audit() { return *audit_; }
  store::Store& store() { return *store_; }
  const MethodTable& methods() const { return methods_; }

 private:
  explicit Gateway(GatewayOptions options);

  GatewayOptions options_;
  MethodTable methods_;
  server::ServiceHost host_;
  std::unique_ptr<store::InstrumentedStore> store_;
  auth::PrincipalCodec codec_;
  std::unique_ptr<KeyRegistry> keys_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<Authenticator> authenticator_;
  std::unique_ptr<Limiter> limiter_;
  std::unique_ptr<AdminServiceImpl> admin_;
  std::unique_ptr<grpc::Server> admin_server_;
  std::unique_ptr<RouteTable> routes_;
  std::unique_ptr<CallGate> gate_;
  std::unique_ptr<GrpcProxy> proxy_;
  std::unique_ptr<ContractReflection> reflection_;
  std::unique_ptr<ConnectServer> http_;
  bool shut_down_ = false;
};

}  // namespace bridging::gateway
