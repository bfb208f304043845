// anonymizer service binary: wires the pseudonym key ring and the gRPC host. It keeps no
// state between calls; the keys are read once at start-up and never logged.
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_join.h"
#include "libs/common/log.h"
#include "libs/privacy/pseudonymizer.h"
#include "libs/server/flags.h"
#include "libs/server/service_config.h"
#include "libs/server/service_host.h"
#include "services/anonymizer/anonymizer_service.h"

ABSL_FLAG(std::string, pseudonym_key_file, "",
          "File of pseudonym keys, one \"version:base64key\" per line (k1, k2, ...; the "
          "highest version signs, the others still verify)");

int main(int argc, char** argv) {
  using namespace bridging;
  server::BlockTerminationSignals();
  server::SetServiceDefaults({"anonymizer", 7103, 9103, /*redis_addr=*/""});
  server::ParseFlagsWithEnv(argc, argv);
  SetLogService("anonymizer");
  auto config = server::LoadServiceConfig(server::CommonSettingsFromFlags());
  if (!config.ok()) return server::StartupFailed(config.status());
  auto keys = privacy::KeyRing::LoadFile(absl::GetFlag(FLAGS_pseudonym_key_file));
  if (!keys.ok()) return server::StartupFailed(keys.status());
  Log(LogLevel::kInfo, "pseudonym_keys_loaded",
      {{"versions", absl::StrJoin(keys->versions(), ",")}, {"signing", keys->newest_version()}});

  server::ServiceHost host(config->host);
  const auth::PrincipalCodec codec(config->principal_secret);
  const anonymizer::Anonymizer anonymizer(std::move(*keys));
  anonymizer::AnonymizerServiceImpl service(&anonymizer, &codec);
  host.AddService(&service);
  // The only dependency is the key ring, loaded above: SERVING from the first check on.
  host.AddReadinessCheck("pseudonym_keys", [&anonymizer] {
    return anonymizer.key_version().empty() ? absl::FailedPreconditionError("no pseudonym key")
                                            : absl::OkStatus();
  });
  if (absl::Status started = host.Start(); !started.ok()) return server::StartupFailed(started);
  host.RunUntilSignalled();
  return 0;
}
