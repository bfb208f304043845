// actions service binary: wires the actions Redis, the plan manager, the outbox publisher
// (with the anonymizer and analytics) and the gRPC host.
#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "libs/common/log.h"
#include "libs/outbox/publishing.h"
#include "libs/server/flags.h"
#include "libs/server/service_config.h"
#include "libs/server/service_host.h"
#include "libs/store/instrumented_store.h"
#include "libs/store/redis_store.h"
#include "services/actions/actions_service.h"
#include "services/actions/analytics_translator.h"

ABSL_FLAG(std::string, outbox_source, "actions",
          "This backend's source name at analytics; a practice's own actions backend needs "
          "its own, e.g. actions/riverside");

int main(int argc, char** argv) {
  using namespace bridging;
  server::BlockTerminationSignals();
  server::SetServiceDefaults({"actions", 7102, 9102, "127.0.0.1:6402"});
  server::ParseFlagsWithEnv(argc, argv);
  SetLogService("actions");
  auto config = server::LoadServiceConfig(server::CommonSettingsFromFlags());
  if (!config.ok()) return server::StartupFailed(config.status());

  server::ServiceHost host(config->host);
  store::InstrumentedStore store(store::RedisStore::Create(config->redis), "actions",
                                 *host.registry());
  const auth::PrincipalCodec codec(config->principal_secret);
  const actions::ActionsTranslator translator{};
  // The publisher reads the store directly: its idle XREAD BLOCK would otherwise show up as
  // slow commands in the store's latency metrics (it has its own metrics).
  outbox::Publishing publishing(
      {"actions", config->anonymizer_addr, config->analytics_addr,
       absl::GetFlag(FLAGS_outbox_source), server::ChannelCredentials(config->tls)},
      &codec, store.inner(), translator, *host.registry());
  actions::PlanManager manager(store, [] { return absl::Now(); });
  actions::ActionPlanServiceImpl service(&manager, &codec);
  host.AddService(&service);
  host.AddReadinessCheck("redis", [&store] { return store.Ping(); });
  if (absl::Status started = host.Start(); !started.ok()) return server::StartupFailed(started);
  publishing.Start();
  host.RunUntilSignalled();
  publishing.Stop();
  return 0;
}
