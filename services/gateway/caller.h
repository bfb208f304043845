// Who an authenticated call comes from: the principal forwarded to services plus what the
// gateway alone knows about the credential (key name, type, expiry) for audit and WhoAmI.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "bridging/gateway/v1/admin.pb.h"
#include "libs/auth/principal.h"

namespace bridging::gateway {

// Metadata the gateway adds only to calls into its own in-process AdminService:
// "<CredentialType name>;<expire unix seconds>;<credential name>".
inline constexpr char kCredentialHeader[] = "x-bridging-credential";

struct Caller {
  auth::Principal principal;
  v1::CredentialType credential_type = v1::CREDENTIAL_TYPE_UNSPECIFIED;
  // The API key's resource name ({organization}/apiKeys/{key}) when credential_type is
  // API_KEY; the JWT subject otherwise.
  std::string credential_name;
  absl::Time expire_time = absl::InfiniteFuture();
};

}  // namespace bridging::gateway
