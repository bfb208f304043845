// consent service binary: wires the consent Redis, the managers, the outbox publisher (with
// the anonymizer and analytics) and the gRPC host.
#include <memory>

#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "libs/common/log.h"
#include "libs/outbox/publishing.h"
#include "libs/server/flags.h"
#include "libs/server/service_config.h"
#include "libs/server/service_host.h"
#include "libs/store/instrumented_store.h"
#include "libs/store/redis_store.h"
#include "services/consent/analytics_translator.h"
#include "services/consent/consent_service.h"
#include "services/consent/remote_analytics_link.h"

ABSL_FLAG(int, withdrawal_wait_ms, 1500,
          "How long WithdrawConsent waits for analytics to apply a withdrawal before answering "
          "(the receipt's analytics_applied says whether it did)");

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
  const consent::ConsentTranslator translator{};
  // The publisher reads the store directly: its idle XREAD BLOCK would otherwise show up as
  // slow commands in the store's latency metrics (it has its own metrics).
  outbox::Publishing publishing({"consent", config->anonymizer_addr, config->analytics_addr,
                                 /*source=*/"", server::ChannelCredentials(config->tls)},
                                &codec, store.inner(), translator, *host.registry());
  std::unique_ptr<consent::PublisherPropagation> propagation;
  std::unique_ptr<consent::RemoteAnalyticsUsage> usage;
  if (publishing.enabled()) {
    propagation = std::make_unique<consent::PublisherPropagation>(
        publishing.publisher(), absl::Milliseconds(absl::GetFlag(FLAGS_withdrawal_wait_ms)));
    usage = std::make_unique<consent::RemoteAnalyticsUsage>(publishing.anonymizer(),
                                                            publishing.analytics());
  }
  consent::ConsentManager consent_manager(
      store, [] { return absl::Now(); }, propagation.get());
  consent::ContributionManager contribution_manager(
      store, [] { return absl::Now(); }, usage.get());
  consent::ConsentServiceImpl consent_service(&consent_manager, &codec);
  consent::ContributionServiceImpl contribution_service(&contribution_manager, &codec);
  host.AddService(&consent_service);
  host.AddService(&contribution_service);
  host.AddReadinessCheck("redis", [&store] { return store.Ping(); });
  if (absl::Status started = host.Start(); !started.ok()) return server::StartupFailed(started);
  publishing.Start();
  host.RunUntilSignalled();
  publishing.Stop();
  return 0;
}
