// The settings every service shares (listen address, metrics port, its Redis, the principal
// secret, the anonymizer and analytics it publishes to): declared once as flags (each overridable
// by BRIDGING_<FLAG>), and turned into what a service needs to start, reading secret files once at
// start-up. A service's own flags stay in its main.cc.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "libs/server/service_host.h"
#include "libs/server/tls.h"
#include "libs/store/redis_store.h"

namespace bridging::server {

struct CommonSettings {
  std::string service_name;
  std::string listen_host = "127.0.0.1";
  int port = 0;
  int metrics_port = 0;    // 0: no /metrics
  std::string redis_addr;  // empty: the service has no Redis
  std::string redis_user;
  std::string redis_password_file;
  int redis_pool_size = 16;
  std::string principal_secret_file;
  // The services an owning service publishes its outbox through (consent, actions).
  std::string anonymizer_addr;
  std::string analytics_addr;  // empty: the service does not publish to analytics
  // This process's certificate, key and the CA of its peers: mutual TLS on its gRPC port and
  // on its calls to other services. None: plaintext.
  TlsFiles tls;
};

struct ServiceConfig {
  ServiceHostOptions host;
  store::RedisOptions redis;
  std::string principal_secret;
  std::string anonymizer_addr;
  std::string analytics_addr;  // empty: publishing disabled
  // Loaded from CommonSettings::tls; host.credentials already require client certificates.
  std::optional<TlsMaterial> tls;
};

// A service's defaults for the shared flags; call before ParseFlagsWithEnv so environment
// and command line still override them.
struct ServiceDefaults {
  std::string service_name;
  int port = 0;
  int metrics_port = 0;
  std::string redis_addr;  // empty: the service has no Redis
};
void SetServiceDefaults(const ServiceDefaults& defaults);

// The shared flags as parsed.
CommonSettings CommonSettingsFromFlags();

// FAILED_PRECONDITION / INVALID_ARGUMENT naming the setting when a file is unreadable, a
// secret too short or an address malformed.
absl::StatusOr<ServiceConfig> LoadServiceConfig(const CommonSettings& settings);

// The Redis connection settings alone (address, ACL user, password file), for tools that
// read a service's store without running the service.
absl::StatusOr<store::RedisOptions> RedisOptionsFrom(const CommonSettings& settings);

// Logs a startup_failed event and returns the process exit code (1).
int StartupFailed(const absl::Status& status);

}  // namespace bridging::server
