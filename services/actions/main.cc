// actions service binary: wires flags, the actions Redis, the plan manager and the gRPC host.
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/auth/principal.h"
#include "libs/common/log.h"
#include "libs/server/flags.h"
#include "libs/server/service_host.h"
#include "libs/store/instrumented_store.h"
#include "libs/store/redis_store.h"
#include "services/actions/actions_service.h"

ABSL_FLAG(std::string, listen_host, "127.0.0.1", "Address to listen on");
ABSL_FLAG(int, port, 7102, "gRPC port");
ABSL_FLAG(int, metrics_port, 9102, "Prometheus /metrics port (0 disables)");
ABSL_FLAG(std::string, redis_addr, "127.0.0.1:6402", "The actions Redis, host:port");
ABSL_FLAG(std::string, redis_user, "", "Redis ACL user (empty: default user)");
ABSL_FLAG(std::string, redis_password_file, "", "File holding the Redis ACL password");
ABSL_FLAG(int, redis_pool_size, 16, "Redis connections");
ABSL_FLAG(std::string, principal_secret_file, "",
          "File holding the secret the gateway signs principals with (at least 32 bytes)");

namespace {

int Fail(const absl::Status& status) {
  bridging::Log(bridging::LogLevel::kError, "startup_failed",
                {{"reason", std::string(status.message())}});
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bridging;
  server::BlockTerminationSignals();
  server::ParseFlagsWithEnv(argc, argv);
  SetLogService("actions");

  auto secret = auth::LoadSecretFile(absl::GetFlag(FLAGS_principal_secret_file));
  if (!secret.ok()) return Fail(secret.status());
  auto redis = store::ParseRedisAddress(absl::GetFlag(FLAGS_redis_addr));
  if (!redis.ok()) return Fail(redis.status());
  redis->user = absl::GetFlag(FLAGS_redis_user);
  if (!absl::GetFlag(FLAGS_redis_password_file).empty()) {
    auto password = auth::LoadSecretFile(absl::GetFlag(FLAGS_redis_password_file));
    if (!password.ok()) return Fail(password.status());
    redis->password = *password;
  }
  redis->pool_size = absl::GetFlag(FLAGS_redis_pool_size);

  server::ServiceHostOptions options;
  options.service_name = "actions";
  options.listen_address =
      absl::StrCat(absl::GetFlag(FLAGS_listen_host), ":", absl::GetFlag(FLAGS_port));
  if (absl::GetFlag(FLAGS_metrics_port) > 0) {
    options.metrics_address =
        absl::StrCat(absl::GetFlag(FLAGS_listen_host), ":", absl::GetFlag(FLAGS_metrics_port));
  }
  server::ServiceHost host(options);

  store::InstrumentedStore store(store::RedisStore::Create(*redis), "actions", *host.registry());
  const auth::PrincipalCodec codec(*secret);
  actions::PlanManager manager(store, [] { return absl::Now(); });
  actions::ActionPlanServiceImpl service(&manager, &codec);

  host.AddService(&service);
  host.AddReadinessCheck("redis", [&store] { return store.Ping(); });
  if (absl::Status started = host.Start(); !started.ok()) return Fail(started);
  host.RunUntilSignalled();
  return 0;
}
