// Verifies JSON Web Tokens presented as bearer credentials: compact JWS signed with HS256
// (a shared secret) or RS256 (an RSA public key), with exp required, nbf/iat honoured, and
// the Bridging claims "org" (an organisation name) and "role" (a Role name) required.
//
//   ASSIGN_OR_RETURN(JwtVerifier v, JwtVerifier::Create({.hs256_secret = secret}));
//   ASSIGN_OR_RETURN(JwtClaims c, v.Verify(token, absl::Now()));
#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "bridging/common/v1/authz.pb.h"

namespace bridging::gateway {

struct JwtOptions {
  // At least 32 bytes; empty disables HS256.
  std::string hs256_secret;
  // PEM "PUBLIC KEY" (SubjectPublicKeyInfo) of an RSA key of at least 2048 bits; empty
  // disables RS256.
  std::string rs256_public_key_pem;
  // When set, the "iss" claim must equal it.
  std::string issuer;
  // When set, the "aud" claim (string or array of strings) must contain it.
  std::string audience;
  // Clock skew allowed on exp / nbf.
  absl::Duration leeway = absl::Seconds(30);
  // Tokens whose exp is further than this past iat (or now, without iat) are refused, so a
  // leaked long-lived token cannot be minted by mistake.
  absl::Duration max_lifetime = absl::Hours(24);
};

struct JwtClaims {
  std::string subject;                                   // "sub", may be empty
  std::string organization;                              // "org", e.g. practices/leeds-1
  common::v1::Role role = common::v1::ROLE_UNSPECIFIED;  // "role", e.g. "ROLE_PRACTICE"
  absl::Time expire_time;                                // "exp"
};

class JwtVerifier {
 public:
  // INVALID_ARGUMENT naming the option when a key is too short or not a usable RSA public key,
  // or when neither key is set.
  static absl::StatusOr<JwtVerifier> Create(JwtOptions options);

  // UNAUTHENTICATED (with a message that never echoes the token) when the token is malformed,
  // its "alg" is not one configured ("none" never is; an HS256 token is refused when only RS256
  // is configured, and vice versa), the signature is wrong, it is expired or not yet valid,
  // iss/aud do not match, the lifetime is too long, or org/role are missing, malformed or do
  // not agree (the role must be the one the organisation's collection implies: practices/ ->
  // ROLE_PRACTICE, charities/ -> ROLE_CHARITY, researchers/ -> ROLE_RESEARCHER,
  // operators/ -> ROLE_ADMIN, services/ -> ROLE_SERVICE).
  absl::StatusOr<JwtClaims> Verify(absl::string_view token, absl::Time now) const;

  // ... implementation-defined members ...
 private:
  JwtVerifier() = default;

  JwtOptions options_;
  // Parsed once in Create(); shared so the verifier stays copyable. Null when RS256 is off.
  // EVP_PKEY is safe to use from several threads at once for verification.
  std::shared_ptr<EVP_PKEY> rsa_key_;
};

// True when `token` looks like a compact JWS (three base64url parts), so the authenticator
// knows to try the JWT verifier rather than the API key store.
bool LooksLikeJwt(absl::string_view token);

}  // namespace bridging::gateway
