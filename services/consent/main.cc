// consent service binary: wires the consent Redis, the managers and the gRPC host.
#include "absl/time/clock.h"
#include "libs/common/log.h"
#include "libs/server/flags.h"
#include "libs/server/service_config.h"
#include "libs/server/service_host.h"
#include "libs/store/instrumented_store.h"
#include "libs/store/redis_store.h"
#include "services/consent/consent_service.h"

int main(int argc, char** argv) {
  using namespace bridging;
  server::BlockTerminationSignals();
  server::SetServiceDefaults({"consent", 7101, 9101, "127.0.0.1:6401"});
  server::ParseFlagsWithEnv(argc, argv);
  SetLogService("consent");
  auto config = server::LoadServiceConfig(server::CommonSettingsFromFlags());
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
