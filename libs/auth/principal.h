// The principal the gateway forwards on every call (organisation + role), signed with a
// shared secret so a service reached directly, or with a tampered header, refuses the call.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "bridging/common/v1/authz.pb.h"

namespace bridging::auth {

// Metadata keys of the forwarded principal.
inline constexpr char kPrincipalHeader[] = "x-bridging-principal";
inline constexpr char kSignatureHeader[] = "x-bridging-principal-signature";

// Who is calling: an organisation resource name ("charities/c1") acting in one role.
struct Principal {
  std::string organization;
  common::v1::Role role = common::v1::ROLE_UNSPECIFIED;
};

// Signs and verifies principal headers. The header value is
// "v1;org=<organization>;role=<ROLE_NAME>;exp=<unix seconds>" and the signature is the hex
// HMAC-SHA256 of that value under the shared secret. The expiry bounds replay.
class PrincipalCodec {
 public:
  // `secret` must be at least 32 bytes (see LoadSecretFile).
  explicit PrincipalCodec(std::string secret);

  struct Signed {
    std::string value;
    std::string signature;
  };
  Signed Sign(const Principal& principal, absl::Time expiry) const;

  // Adds both headers to an outgoing call, valid for `ttl` from now.
  void Attach(const Principal& principal, grpc::ClientContext* context,
              absl::Duration ttl = absl::Minutes(1)) const;

  // UNAUTHENTICATED if either header is missing, malformed, badly signed or expired.
  absl::StatusOr<Principal> Verify(absl::string_view value, absl::string_view signature,
                                   absl::Time now) const;

  // Reads the headers of an incoming call and verifies them.
  absl::StatusOr<Principal> FromContext(const grpc::ServerContextBase& context) const;

 private:
  std::string secret_;
};

// Reads a shared secret from a file (trailing newline trimmed); FAILED_PRECONDITION if the
// file is missing or holds fewer than 32 bytes.
absl::StatusOr<std::string> LoadSecretFile(const std::string& path);

}  // namespace bridging::auth
