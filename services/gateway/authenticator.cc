// Implements bearer credential parsing and dispatch to API keys or JWTs.
#include "services/gateway/authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace bridging::gateway {

Authenticator::Authenticator(KeyRegistry* keys, std::optional<JwtVerifier> jwt,
                             std::function<absl::Time()> clock)
    : keys_(keys), jwt_(std::move(jwt)), clock_(std::move(clock)) {}

absl::StatusOr<Caller> Authenticator::Authenticate(absl::string_view authorization) const {
  if (authorization.empty()) {
    return absl::UnauthenticatedError("missing credential: send Authorization: Bearer <key>");
  }
  constexpr absl::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size() ||
      !absl::StartsWithIgnoreCase(authorization, kScheme)) {
    return absl::UnauthenticatedError("malformed credential: expected Authorization: Bearer");
  }
  const absl::string_view token = authorization.substr(kScheme.size());
  if (LooksLikeJwt(token)) {
    if (!jwt_.has_value()) return absl::UnauthenticatedError("JWTs are not accepted here");
    absl::StatusOr<JwtClaims> claims = jwt_->Verify(token, clock_());
    if (!claims.ok()) return claims.status();
    Caller caller;
    caller.principal.organization = claims->organization;
    caller.principal.role = claims->role;
    caller.credential_type = v1::CREDENTIAL_TYPE_JWT;
    caller.credential_name = claims->subject;
    caller.expire_time = claims->expire_time;
    return caller;
  }
  for (char c : token) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      return absl::UnauthenticatedError("malformed API key");
    }
  }
  return keys_->Authenticate(token);
}

}  // namespace bridging::gateway
