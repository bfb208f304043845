// Turns the Authorization header of a call into the Caller: "Bearer <secret>" is an API key
// looked up in the KeyRegistry, "Bearer <header.payload.signature>" a JWT checked by the
// configured verifier. Anything missing, malformed, unknown, revoked or expired is
// UNAUTHENTICATED; a store outage is UNAVAILABLE, never a silent pass.
#pragma once

#include <functional>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/gateway/caller.h"
#include "services/gateway/jwt_verifier.h"
#include "services/gateway/key_registry.h"

namespace bridging::gateway {

class Authenticator {
 public:
  // `jwt` is nullopt when JWTs are not accepted.
  Authenticator(KeyRegistry* keys, std::optional<JwtVerifier> jwt,
                std::function<absl::Time()> clock);

  absl::StatusOr<Caller> Authenticate(absl::string_view authorization) const;

 private:
  KeyRegistry* keys_;
  std::optional<JwtVerifier> jwt_;
  std::function<absl::Time()> clock_;
};

}  // namespace bridging::gateway
