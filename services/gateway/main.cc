// gateway binary: reads flags (each overridable by BRIDGING_<FLAG>) into GatewayOptions and
// runs the gateway until SIGTERM.
#include <fstream>
#include <iterator>
#include <memory>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/principal.h"
#include "libs/common/log.h"
#include "libs/common/status_macros.h"
#include "libs/server/flags.h"
#include "libs/server/service_config.h"
#include "services/gateway/gateway.h"

ABSL_FLAG(std::string, routes,
          "bridging.consent.v1=127.0.0.1:7101,bridging.actions.v1=127.0.0.1:7102,"
          "bridging.anonymizer.v1=127.0.0.1:7103,bridging.analytics.v1=127.0.0.1:7104",
          "Backends: target[@owner]=host:port entries, comma-separated; target is a service "
          "or package, owner an organisation with its own backend (practices/riverside)");
ABSL_FLAG(int, http_port, 8100, "Connect/JSON over HTTP/1.1 port (-1: disabled)");
ABSL_FLAG(int, http_threads, 16, "Threads serving HTTP connections");
ABSL_FLAG(std::string, public_tls_cert_file, "",
          "PEM certificate for the public gRPC and HTTP ports (HTTPS); empty: plaintext");
ABSL_FLAG(std::string, public_tls_key_file, "", "The PEM private key of --public_tls_cert_file");
ABSL_FLAG(std::string, web_root, "",
          "The built web UI (web/dist) to serve on the HTTP port; empty serves none");
ABSL_FLAG(std::string, bootstrap_admin_key_file, "",
          "File holding the first operator API key (written with a fresh key if missing)");
ABSL_FLAG(std::string, jwt_hs256_secret_file, "", "Accept HS256 JWTs signed with this secret");
ABSL_FLAG(std::string, jwt_rs256_public_key_file, "",
          "Accept RS256 JWTs signed by this RSA public key (PEM)");
ABSL_FLAG(std::string, jwt_issuer, "", "Required JWT iss, when set");
ABSL_FLAG(std::string, jwt_audience, "", "Required JWT aud, when set");
ABSL_FLAG(double, rate_limit_rps, 200, "Sustained calls per second per organisation");
ABSL_FLAG(double, rate_limit_burst, 400, "Calls an organisation may make at once");
ABSL_FLAG(int, max_in_flight_per_caller, 64, "Calls in flight per organisation");
ABSL_FLAG(int, max_in_flight, 2048, "Calls in flight over all organisations");
ABSL_FLAG(int, max_request_bytes, 1024 * 1024, "Largest request message accepted");
ABSL_FLAG(int, default_deadline_ms, 30000, "Backend deadline when the client sets none");
ABSL_FLAG(int, credential_cache_ms, 1000,
          "How long an API key lookup is cached (bounds revocation lag on other replicas)");

namespace {

absl::StatusOr<std::string> ReadFileFlag(const std::string& path, const char* flag) {
  std::ifstream in(path);
  if (!in) return absl::FailedPreconditionError(absl::StrCat(flag, ": cannot read ", path));
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

absl::StatusOr<bridging::gateway::GatewayOptions> OptionsFromFlags() {
  using namespace bridging;
  ASSIGN_OR_RETURN(server::ServiceConfig config,
                   server::LoadServiceConfig(server::CommonSettingsFromFlags()));
  gateway::GatewayOptions options;
  options.host = config.host;
  // Partners present no client certificate: the public port has its own certificate, and
  // the internal one (config.tls) secures the calls to the services.
  ASSIGN_OR_RETURN(std::optional<server::TlsMaterial> public_tls,
                   server::LoadTls({absl::GetFlag(FLAGS_public_tls_cert_file),
                                    absl::GetFlag(FLAGS_public_tls_key_file), ""},
                                   "public_tls", /*ca_optional=*/true));
  options.host.credentials = server::ServerCredentials(public_tls, /*require_client_cert=*/false);
  options.backend_credentials = server::ChannelCredentials(config.tls);
  options.redis = config.redis;
  options.principal_secret = config.principal_secret;
  options.routes = absl::GetFlag(FLAGS_routes);
  options.bootstrap_admin_key_file = absl::GetFlag(FLAGS_bootstrap_admin_key_file);
  const std::string hs256 = absl::GetFlag(FLAGS_jwt_hs256_secret_file);
  const std::string rs256 = absl::GetFlag(FLAGS_jwt_rs256_public_key_file);
  if (!hs256.empty() || !rs256.empty()) {
    gateway::JwtOptions jwt;
    if (!hs256.empty()) {
      ASSIGN_OR_RETURN(jwt.hs256_secret, auth::LoadSecretFile(hs256));
    }
    if (!rs256.empty()) {
      ASSIGN_OR_RETURN(jwt.rs256_public_key_pem, ReadFileFlag(rs256, "jwt_rs256_public_key_file"));
    }
    jwt.issuer = absl::GetFlag(FLAGS_jwt_issuer);
    jwt.audience = absl::GetFlag(FLAGS_jwt_audience);
    options.jwt = std::move(jwt);
  }
  options.limits.rate_per_second = absl::GetFlag(FLAGS_rate_limit_rps);
  options.limits.burst = absl::GetFlag(FLAGS_rate_limit_burst);
  options.limits.max_in_flight_per_caller = absl::GetFlag(FLAGS_max_in_flight_per_caller);
  options.limits.max_in_flight = absl::GetFlag(FLAGS_max_in_flight);
  options.gate.max_request_bytes = absl::GetFlag(FLAGS_max_request_bytes);
  options.gate.default_deadline = absl::Milliseconds(absl::GetFlag(FLAGS_default_deadline_ms));
  // The transport limit sits above the gate's, so an oversized request is refused (and
  // audited) by the gate with a clear message rather than cut off by the transport.
  options.host.max_message_bytes = 2 * absl::GetFlag(FLAGS_max_request_bytes) + 4096;
  options.credential_cache_ttl = absl::Milliseconds(absl::GetFlag(FLAGS_credential_cache_ms));
  if (absl::GetFlag(FLAGS_http_port) >= 0) {
    gateway::ConnectServerOptions http;
    http.host = server::CommonSettingsFromFlags().listen_host;
    http.port = absl::GetFlag(FLAGS_http_port);
    http.worker_threads = absl::GetFlag(FLAGS_http_threads);
    http.max_body_bytes = 4 * options.gate.max_request_bytes;
    http.tls_cert_file = absl::GetFlag(FLAGS_public_tls_cert_file);
    http.tls_key_file = absl::GetFlag(FLAGS_public_tls_key_file);
    if (const std::string web_root = absl::GetFlag(FLAGS_web_root); !web_root.empty()) {
      ASSIGN_OR_RETURN(gateway::WebAssets assets, gateway::WebAssets::Load(web_root));
      http.web_assets = std::make_shared<const gateway::WebAssets>(std::move(assets));
    }
    options.http = http;
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bridging;
  server::BlockTerminationSignals();
  server::SetServiceDefaults({"gateway", 7100, 9100, "127.0.0.1:6400"});
  server::ParseFlagsWithEnv(argc, argv);
  SetLogService("gateway");
  absl::StatusOr<gateway::GatewayOptions> options = OptionsFromFlags();
  if (!options.ok()) return server::StartupFailed(options.status());
  absl::StatusOr<std::unique_ptr<gateway::Gateway>> gateway =
      gateway::Gateway::Create(*std::move(options));
  if (!gateway.ok()) return server::StartupFailed(gateway.status());
  if (absl::Status started = (*gateway)->Start(); !started.ok()) {
    return server::StartupFailed(started);
  }
  (*gateway)->RunUntilSignalled();
  return 0;
}
