// Implements LoadServiceConfig.
#include "libs/server/service_config.h"

#include "absl/strings/str_cat.h"
#include "libs/auth/principal.h"
#include "libs/common/log.h"

namespace bridging::server {

absl::StatusOr<ServiceConfig> LoadServiceConfig(const CommonSettings& settings) {
  ServiceConfig config;
  absl::StatusOr<std::string> secret = auth::LoadSecretFile(settings.principal_secret_file);
  if (!secret.ok()) return secret.status();
  config.principal_secret = *std::move(secret);

  config.host.service_name = settings.service_name;
  config.host.listen_address = absl::StrCat(settings.listen_host, ":", settings.port);
  if (settings.metrics_port > 0) {
    config.host.metrics_address = absl::StrCat(settings.listen_host, ":", settings.metrics_port);
  }
  if (!settings.redis_addr.empty()) {
    absl::StatusOr<store::RedisOptions> redis = store::ParseRedisAddress(settings.redis_addr);
    if (!redis.ok()) return redis.status();
    config.redis = *std::move(redis);
    config.redis.user = settings.redis_user;
    config.redis.pool_size = settings.redis_pool_size;
    if (!settings.redis_password_file.empty()) {
      absl::StatusOr<std::string> password = auth::LoadSecretFile(settings.redis_password_file);
      if (!password.ok()) return password.status();
      config.redis.password = *std::move(password);
    }
  }
  return config;
}

int StartupFailed(const absl::Status& status) {
  Log(LogLevel::kError, "startup_failed", {{"reason", std::string(status.message())}});
  return 1;
}

}  // namespace bridging::server
