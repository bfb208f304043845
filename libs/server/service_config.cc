// Implements LoadServiceConfig.
#include "libs/server/service_config.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/principal.h"
#include "libs/common/log.h"

ABSL_FLAG(std::string, listen_host, "127.0.0.1", "Address to listen on");
ABSL_FLAG(int, port, 0, "gRPC port");
ABSL_FLAG(int, metrics_port, 0, "Prometheus /metrics port (0 disables)");
ABSL_FLAG(std::string, redis_addr, "", "The service's own Redis, host:port");
ABSL_FLAG(std::string, redis_user, "", "Redis ACL user (empty: default user)");
ABSL_FLAG(std::string, redis_password_file, "", "File holding the Redis ACL password");
ABSL_FLAG(int, redis_pool_size, 16, "Redis connections");
ABSL_FLAG(std::string, principal_secret_file, "",
          "File holding the secret the gateway signs principals with (at least 32 bytes)");
ABSL_FLAG(std::string, anonymizer_addr, "127.0.0.1:7103",
          "The anonymizer (host:port) outbox events are de-identified through");
ABSL_FLAG(std::string, analytics_addr, "127.0.0.1:7104",
          "The analytics service (host:port) the outbox is published to; empty disables "
          "publishing");

ABSL_FLAG(std::string, tls_cert_file, "",
          "This process's PEM certificate: mutual TLS on its gRPC port and its calls to other "
          "services (with --tls_key_file and --tls_ca_file); empty: plaintext");
ABSL_FLAG(std::string, tls_key_file, "", "The PEM private key of --tls_cert_file");
ABSL_FLAG(std::string, tls_ca_file, "", "The PEM CA certificate that signs every peer");

namespace bridging::server {
namespace {

std::string& ServiceName() {
  static auto* name = new std::string;
  return *name;
}

}  // namespace

void SetServiceDefaults(const ServiceDefaults& defaults) {
  ServiceName() = defaults.service_name;
  absl::SetFlag(&FLAGS_port, defaults.port);
  absl::SetFlag(&FLAGS_metrics_port, defaults.metrics_port);
  absl::SetFlag(&FLAGS_redis_addr, defaults.redis_addr);
}

CommonSettings CommonSettingsFromFlags() {
  CommonSettings settings;
  settings.service_name = ServiceName();
  settings.listen_host = absl::GetFlag(FLAGS_listen_host);
  settings.port = absl::GetFlag(FLAGS_port);
  settings.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  settings.redis_addr = absl::GetFlag(FLAGS_redis_addr);
  settings.redis_user = absl::GetFlag(FLAGS_redis_user);
  settings.redis_password_file = absl::GetFlag(FLAGS_redis_password_file);
  settings.redis_pool_size = absl::GetFlag(FLAGS_redis_pool_size);
  settings.principal_secret_file = absl::GetFlag(FLAGS_principal_secret_file);
  settings.anonymizer_addr = absl::GetFlag(FLAGS_anonymizer_addr);
  settings.analytics_addr = absl::GetFlag(FLAGS_analytics_addr);
  settings.tls = {absl::GetFlag(FLAGS_tls_cert_file), absl::GetFlag(FLAGS_tls_key_file),
                  absl::GetFlag(FLAGS_tls_ca_file)};
  return settings;
}

absl::StatusOr<store::RedisOptions> RedisOptionsFrom(const CommonSettings& settings) {
  absl::StatusOr<store::RedisOptions> redis = store::ParseRedisAddress(settings.redis_addr);
  if (!redis.ok()) return redis.status();
  redis->user = settings.redis_user;
  redis->pool_size = settings.redis_pool_size;
  if (!settings.redis_password_file.empty()) {
    absl::StatusOr<std::string> password = auth::LoadSecretFile(settings.redis_password_file);
    if (!password.ok()) return password.status();
    redis->password = *std::move(password);
  }
  return redis;
}

absl::StatusOr<ServiceConfig> LoadServiceConfig(const CommonSettings& settings) {
  ServiceConfig config;
  absl::StatusOr<std::string> secret = auth::LoadSecretFile(settings.principal_secret_file);
  if (!secret.ok()) return secret.status();
  config.principal_secret = *std::move(secret);
  config.anonymizer_addr = settings.anonymizer_addr;
  config.analytics_addr = settings.analytics_addr;
  if (!config.analytics_addr.empty() && config.anonymizer_addr.empty()) {
    return absl::InvalidArgumentError(
        "anonymizer_addr is empty: publishing to analytics_addr needs the anonymizer");
  }

  config.host.service_name = settings.service_name;
  config.host.listen_address = absl::StrCat(settings.listen_host, ":", settings.port);
  if (settings.metrics_port > 0) {
    config.host.metrics_address = absl::StrCat(settings.listen_host, ":", settings.metrics_port);
  }
  absl::StatusOr<std::optional<TlsMaterial>> tls = LoadTls(settings.tls, "tls");
  if (!tls.ok()) return tls.status();
  config.tls = *std::move(tls);
  config.host.credentials = ServerCredentials(config.tls, /*require_client_cert=*/true);
  if (!settings.redis_addr.empty()) {
    absl::StatusOr<store::RedisOptions> redis = RedisOptionsFrom(settings);
    if (!redis.ok()) return redis.status();
    config.redis = *std::move(redis);
  }
  return config;
}

int StartupFailed(const absl::Status& status) {
  Log(LogLevel::kError, "startup_failed", {{"reason", std::string(status.message())}});
  return 1;
}

}  // namespace bridging::server
