// consent service binary: wires flags, the consent Redis, the managers and the gRPC host.
#include <string>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "libs/common/log.h"
#include "libs/server/flags.h"
#include "libs/server/service_config.h"
#include "libs/server/service_host.h"
#include "libs/store/instrumented_store.h"
#include "libs/store/redis_store.h"
#include "services/consent/consent_service.h"

ABSL_FLAG(std::string, listen_host, "127.0.0.1", "Address to listen on");
ABSL_FLAG(int, port, 7101, "gRPC port");
ABSL_FLAG(int, metrics_port, 9101, "Prometheus /metrics port (0 disables)");
ABSL_FLAG(std::string, redis_addr, "127.0.0.1:6401", "The consent Redis, host:port");
ABSL_FLAG(std::string, redis_user, "", "Redis ACL user (empty: default user)");
ABSL_FLAG(std::string, redis_password_file, "", "File holding the Redis ACL password");
ABSL_FLAG(int, redis_pool_size, 16, "Redis connections");
ABSL_FLAG(std::string, principal_secret_file, "",
          "File holding the secret the gateway signs principals with (at least 32 bytes)");

int main(int argc, char** argv) {
  using namespace bridging;
  server::BlockTerminationSignals();
  server::ParseFlagsWithEnv(argc, argv);
  SetLogService("consent");

  server::CommonSettings settings;
  settings.service_name = "consent";
  settings.listen_host = absl::GetFlag(FLAGS_listen_host);
  settings.port = absl::GetFlag(FLAGS_port);
  settings.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  settings.redis_addr = absl::GetFlag(FLAGS_redis_addr);
  settings.redis_user = absl::GetFlag(FLAGS_redis_user);
  settings.redis_password_file = absl::GetFlag(FLAGS_redis_password_file);
  settings.redis_pool_size = absl::GetFlag(FLAGS_redis_pool_size);
  settings.principal_secret_file = absl::GetFlag(FLAGS_principal_secret_file);
  auto config = server::LoadServiceConfig(settings);
  if (!config.ok()) return server::StartupFailed(config.status());

  server::ServiceHost host(config->host);
  store::InstrumentedStore store(store::RedisStore::Create(config->redis), "consent",
                                 *host.registry());
  const auth::PrincipalCodec codec(config->principal_secret);
  consent::ConsentManager consent_manager(store, [] { return absl::Now(); });
  consent::ContributionManager contribution_manager(store, [] { return absl::Now(); });
  consent::ConsentServiceImpl consent_service(&consent_manager, &codec);
  consent::ContributionServiceImpl contribution_service(&contribution_manager, &codec);
  host.AddService(&consent_service);
  host.AddService(&contribution_service);
  host.AddReadinessCheck("redis", [&store] { return store.Ping(); });
  if (absl::Status started = host.Start(); !started.ok()) return server::StartupFailed(started);
  host.RunUntilSignalled();
  return 0;
}
