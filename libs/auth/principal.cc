// Implements principal signing and verification.
#include "libs/auth/principal.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "libs/common/crypto.h"
#include "libs/common/resource_name.h"

namespace bridging::auth {
namespace {

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("principal ", why));
}

}  // namespace

PrincipalCodec::PrincipalCodec(std::string secret) : secret_(std::move(secret)) {}

PrincipalCodec::Signed PrincipalCodec::Sign(const Principal& principal, absl::Time expiry) const {
  Signed out;
  out.value = absl::StrCat("v1;org=", principal.organization,
                           ";role=", common::v1::Role_Name(principal.role),
                           ";exp=", absl::ToUnixSeconds(expiry));
  out.signature = HmacSha256Hex(secret_, out.value);
  return out;
}

void PrincipalCodec::Attach(const Principal& principal, grpc::ClientContext* context,
                            absl::Duration ttl) const {
  const Signed s = Sign(principal, absl::Now() + ttl);
  context->AddMetadata(kPrincipalHeader, s.value);
  context->AddMetadata(kSignatureHeader, s.signature);
}

absl::StatusOr<Principal> PrincipalCodec::Verify(absl::string_view value,
                                                 absl::string_view signature,
                                                 absl::Time now) const {
  if (value.empty()) return Unauthenticated("header is missing");
  if (signature.empty()) return Unauthenticated("signature is missing");
  if (value.size() > 512) return Unauthenticated("header is too long");
  // Check the signature before reading anything else from the value.
  if (!ConstantTimeEquals(HmacSha256Hex(secret_, value), signature)) {
    return Unauthenticated("signature does not match");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(value, ';');
  if (parts.size() != 4 || parts[0] != "v1" || !absl::StartsWith(parts[1], "org=") ||
      !absl::StartsWith(parts[2], "role=") || !absl::StartsWith(parts[3], "exp=")) {
    return Unauthenticated("header is malformed");
  }
  Principal principal;
  principal.organization = std::string(parts[1].substr(4));
  common::v1::Role role;
  if (!common::v1::Role_Parse(std::string(parts[2].substr(5)), &role) ||
      role == common::v1::ROLE_UNSPECIFIED) {
    return Unauthenticated("role is unknown");
  }
  principal.role = role;
  // Plain digits only (SimpleAtoi alone would also take a sign and spaces): one spelling per
  // header, as the gateway signs it.
  const absl::string_view digits = parts[3].substr(4);
  int64_t exp = 0;
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(digits, &exp)) {
    return Unauthenticated("expiry is malformed");
  }
  if (absl::FromUnixSeconds(exp) < now) return Unauthenticated("has expired");
  if (OwnerOf(principal.organization) != principal.organization) {
    return Unauthenticated("organisation is not an organisation name");
  }
  return principal;
}

absl::StatusOr<Principal> PrincipalCodec::FromContext(
    const grpc::ServerContextBase& context) const {
  const auto& metadata = context.client_metadata();
  auto value = metadata.find(kPrincipalHeader);
  auto signature = metadata.find(kSignatureHeader);
  if (value == metadata.end()) return Unauthenticated("header is missing");
  if (signature == metadata.end()) return Unauthenticated("signature is missing");
  return Verify(absl::string_view(value->second.data(), value->second.size()),
                absl::string_view(signature->second.data(), signature->second.size()), absl::Now());
}

absl::StatusOr<std::string> LoadSecretFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::FailedPreconditionError(absl::StrCat("cannot read secret file ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string secret = buffer.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.size() < 32) {
    return absl::FailedPreconditionError(
        absl::StrCat("secret file ", path, " must hold at least 32 bytes"));
  }
  return secret;
}

}  // namespace bridging::auth
