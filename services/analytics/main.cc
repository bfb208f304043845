// analytics service binary: wires the analytics Redis, the in-memory view (loaded from it),
// the consent watermark client, the ingestor, the query engine and the gRPC host.
#include <atomic>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "libs/common/log.h"
#include "libs/privacy/redis_budget_ledger.h"
#include "libs/server/flags.h"
#include "libs/server/service_config.h"
#include "libs/server/service_host.h"
#include "libs/store/instrumented_store.h"
#include "libs/store/redis_store.h"
#include "services/analytics/analytics_service.h"
#include "services/analytics/consent_watermark.h"

ABSL_FLAG(std::string, consent_addr, "127.0.0.1:7101",
          "The consent service, asked for the consent watermark before every answer");
ABSL_FLAG(int, freshness_wait_ms, 2000,
          "How long an answer waits for analytics to apply every consent change up to the "
          "watermark before it fails closed with UNAVAILABLE");
ABSL_FLAG(int, disclosure_threshold, 7, "Counts (and people) of this many or fewer are withheld");
ABSL_FLAG(int, rounding_base, 5, "Published counts are rounded to a multiple of this (1: none)");
ABSL_FLAG(double, epsilon, 0,
          "Laplace noise epsilon spent per answer from the team's budget (0: no noise)");
ABSL_FLAG(double, privacy_budget, 10, "Each research team's total epsilon");

int main(int argc, char** argv) {
  using namespace bridging;
  server::BlockTerminationSignals();
  server::SetServiceDefaults({"analytics", 7104, 9104, "127.0.0.1:6404"});
  server::ParseFlagsWithEnv(argc, argv);
  SetLogService("analytics");
  auto config = server::LoadServiceConfig(server::CommonSettingsFromFlags());
  if (!config.ok()) return server::StartupFailed(config.status());

  analytics::QueryOptions options;
  options.freshness_wait = absl::Milliseconds(absl::GetFlag(FLAGS_freshness_wait_ms));
  options.policy.set_threshold(absl::GetFlag(FLAGS_disclosure_threshold));
  options.policy.set_rounding_base(absl::GetFlag(FLAGS_rounding_base));
  if (absl::GetFlag(FLAGS_epsilon) > 0) options.policy.set_epsilon(absl::GetFlag(FLAGS_epsilon));

  server::ServiceHost host(config->host);
  store::InstrumentedStore store(store::RedisStore::Create(config->redis), "analytics",
                                 *host.registry());
  const auth::PrincipalCodec codec(config->principal_secret);
  auto clock = [] { return absl::Now(); };
  analytics::AnalyticsView view;
  analytics::ConsentWatermarkClient watermark(absl::GetFlag(FLAGS_consent_addr), &codec,
                                              absl::Seconds(1),
                                              server::ChannelCredentials(config->tls));
  privacy::RedisBudgetLedger ledger(store, absl::GetFlag(FLAGS_privacy_budget));
  analytics::UsageRecorder usage(store);
  analytics::Ingestor ingestor(store, view, clock);
  analytics::QueryEngine queries(store, view, watermark, ledger, usage, options, clock);
  analytics::AnalyticsServiceImpl service(&ingestor, &queries, &view, &usage, &codec);
  host.AddService(&service);
  host.AddReadinessCheck("redis", [&store] { return store.Ping(); });

  // The view is loaded from Redis in the background (retrying while Redis is down). Until
  // then the service is not ready, and any answer fails closed: nothing is applied yet.
  std::atomic<bool> loaded{false};
  absl::Notification stopping;
  host.AddReadinessCheck("view", [&loaded] {
    return loaded ? absl::OkStatus() : absl::UnavailableError("loading the view from Redis");
  });
  std::thread loader([&] {
    do {
      const absl::Time start = absl::Now();
      absl::Status s = view.Load(store);
      if (s.ok()) {
        loaded = true;
        Log(LogLevel::kInfo, "view_loaded",
            {{"contributions", absl::StrCat(view.contribution_count())},
             {"seconds", absl::StrCat(absl::ToDoubleSeconds(absl::Now() - start))}});
        return;
      }
      Log(LogLevel::kWarning, "view_load_failed", {{"error", std::string(s.message())}});
    } while (!stopping.WaitForNotificationWithTimeout(absl::Seconds(1)));
  });
  usage.Start();
  if (absl::Status started = host.Start(); !started.ok()) {
    stopping.Notify();
    loader.join();
    return server::StartupFailed(started);
  }
  host.RunUntilSignalled();
  stopping.Notify();
  loader.join();
  usage.Stop();
  return 0;
}
