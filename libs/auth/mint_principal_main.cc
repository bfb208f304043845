// bridging-principal: prints signed principal headers for calling a service directly
// (local use and debugging before the gateway exists), e.g. as grpcurl -H arguments.
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/time.h"
#include "libs/auth/principal.h"
#include "libs/common/resource_name.h"

ABSL_FLAG(std::string, org, "", "Organisation resource name, e.g. charities/demo");
ABSL_FLAG(std::string, role, "ROLE_CHARITY", "Role name, e.g. ROLE_CHARITY or ROLE_SERVICE");
ABSL_FLAG(std::string, secret_file, "", "File holding the shared principal secret");
ABSL_FLAG(int, ttl_minutes, 60, "How long the headers stay valid");
ABSL_FLAG(std::string, format, "grpcurl", "grpcurl (-H arguments) or lines (name: value)");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Prints signed principal headers: bridging-principal --org=charities/demo "
      "--role=ROLE_CHARITY --secret_file=.state/principal.secret");
  absl::ParseCommandLine(argc, argv);
  bridging::auth::Principal principal;
  principal.organization = absl::GetFlag(FLAGS_org);
  if (bridging::OwnerOf(principal.organization) != principal.organization) {
    std::cerr << "--org must be an organisation name such as charities/demo\n";
    return 2;
  }
  if (!bridging::common::v1::Role_Parse(absl::GetFlag(FLAGS_role), &principal.role) ||
      principal.role == bridging::common::v1::ROLE_UNSPECIFIED) {
    std::cerr << "--role must be one of ROLE_PRACTICE, ROLE_CHARITY, ROLE_RESEARCHER, "
                 "ROLE_ADMIN, ROLE_SERVICE\n";
    return 2;
  }
  auto secret = bridging::auth::LoadSecretFile(absl::GetFlag(FLAGS_secret_file));
  if (!secret.ok()) {
    std::cerr << secret.status().message() << "\n";
    return 2;
  }
  const bridging::auth::PrincipalCodec codec(*secret);
  const auto signed_header =
      codec.Sign(principal, absl::Now() + absl::Minutes(absl::GetFlag(FLAGS_ttl_minutes)));
  if (absl::GetFlag(FLAGS_format) == "lines") {
    std::cout << bridging::auth::kPrincipalHeader << ": " << signed_header.value << "\n"
              << bridging::auth::kSignatureHeader << ": " << signed_header.signature << "\n";
  } else {
    std::cout << "-H '" << bridging::auth::kPrincipalHeader << ": " << signed_header.value
              << "' -H '" << bridging::auth::kSignatureHeader << ": " << signed_header.signature
              << "'\n";
  }
  return 0;
}
