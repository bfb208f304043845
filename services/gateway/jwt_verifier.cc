// Implements JWT (compact JWS, HS256 / RS256) verification with OpenSSL and protobuf's JSON.
#include "services/gateway/jwt_verifier.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_split.h"
#include "libs/common/crypto.h"
#include "libs/common/errors.h"
#include "libs/common/status_macros.h"
#include "services/gateway/org_roles.h"

namespace bridging::gateway {
namespace {

using ::google::protobuf::Struct;
using ::google::protobuf::Value;

// Checked before any parsing so an attacker cannot make us decode or hash megabytes; real
// tokens are a few hundred bytes.
constexpr size_t kMaxTokenBytes = 8 * 1024;
constexpr size_t kMinHs256SecretBytes = 32;
constexpr int kMinRsaBits = 2048;
constexpr size_t kHs256SignatureBytes = 32;
// 9999-12-31T23:59:59Z: NumericDates beyond it are nonsense and would only risk overflow.
constexpr double kMaxNumericDate = 253402300799.0;

struct EvpMdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

absl::Status Unauthenticated(absl::string_view reason) {
  return absl::UnauthenticatedError(reason);
}

// -1 for characters outside the base64url alphabet (RFC 4648 section 5).
int Base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

bool IsBase64UrlPart(absl::string_view part) {
  if (part.empty()) return false;
  for (char c : part) {
    if (Base64UrlValue(c) < 0) return false;
  }
  return true;
}

// Strict unpadded base64url: refuses '=', whitespace, the standard alphabet's '+' and '/',
// impossible lengths and non-zero trailing bits, so each byte string has exactly one encoding
// and a token cannot be varied without changing the signed text.
bool DecodeBase64Url(absl::string_view in, std::string* out) {
  if (in.size() % 4 == 1) return false;
  out->clear();
  out->reserve(in.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : in) {
    const int value = Base64UrlValue(c);
    if (value < 0) return false;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  // Leftover bits (2 or 4) must be zero in a canonical encoding.
  return (buffer & ((1u << bits) - 1)) == 0;
}

// Parses a JSON object. Struct only accepts an object at the top level, so arrays, strings
// and numbers are refused here too.
bool ParseJsonObject(const std::string& json, Struct* out) {
  return google::protobuf::util::JsonStringToMessage(json, out).ok();
}

const Value* FindField(const Struct& object, const std::string& name) {
  auto it = object.fields().find(name);
  return it == object.fields().end() ? nullptr : &it->second;
}

// A NumericDate claim: absent leaves *present false; present but not a sane number fails.
absl::Status ReadNumericDate(const Struct& claims, const std::string& name, bool* present,
                             absl::Time* time) {
  *present = false;
  const Value* value = FindField(claims, name);
  if (value == nullptr) return absl::OkStatus();
  if (value->kind_case() != Value::kNumberValue) {
    return Unauthenticated("malformed " + name + " claim");
  }
  const double seconds = value->number_value();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxNumericDate) {
    return Unauthenticated("malformed " + name + " claim");
  }
  *present = true;
  *time = absl::UnixEpoch() + absl::Seconds(seconds);
  return absl::OkStatus();
}

// An optional string claim: absent gives "", present but not a string fails.
absl::Status ReadString(const Struct& claims, const std::string& name, std::string* out) {
  out->clear();
  const Value* value = FindField(claims, name);
  if (value == nullptr) return absl::OkStatus();
  if (value->kind_case() != Value::kStringValue) {
    return Unauthenticated("malformed " + name + " claim");
  }
  *out = value->string_value();
  return absl::OkStatus();
}

bool AudienceContains(const Value& aud, const std::string& audience) {
  if (aud.kind_case() == Value::kStringValue) return aud.string_value() == audience;
  if (aud.kind_case() != Value::kListValue) return false;
  for (const Value& entry : aud.list_value().values()) {
    if (entry.kind_case() == Value::kStringValue && entry.string_value() == audience) {
      return true;
    }
  }
  return false;
}

// Checks `signature` over `signed_part` with the key `alg` names, refusing any alg whose key is
// not configured: an HS256 token must never be checked with the RSA public key as HMAC secret.
absl::Status VerifySignature(const JwtOptions& options, EVP_PKEY* rsa_key, absl::string_view alg,
                             absl::string_view signed_part, const std::string& signature) {
  if (alg == "HS256") {
    if (options.hs256_secret.empty()) return Unauthenticated("alg not allowed");
    if (signature.size() != kHs256SignatureBytes) return Unauthenticated("bad signature");
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (HMAC(EVP_sha256(), options.hs256_secret.data(),
             static_cast<int>(options.hs256_secret.size()),
             reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), mac,
             &mac_len) == nullptr) {
      ERR_clear_error();
      return Unauthenticated("bad signature");
    }
    const absl::string_view expected(reinterpret_cast<const char*>(mac), mac_len);
    if (!ConstantTimeEquals(expected, signature)) return Unauthenticated("bad signature");
    return absl::OkStatus();
  }
  if (alg == "RS256") {
    if (rsa_key == nullptr) return Unauthenticated("alg not allowed");
    std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree> ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pkey_ctx = nullptr;  // owned by ctx
    bool ok = ctx != nullptr &&
              EVP_DigestVerifyInit(ctx.get(), &pkey_ctx, EVP_sha256(), nullptr, rsa_key) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PADDING) == 1 &&
              EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                               signature.size(),
                               reinterpret_cast<const unsigned char*>(signed_part.data()),
                               signed_part.size()) == 1;
    // A failed verification leaves entries on the thread's error queue; drop them.
    ERR_clear_error();
    if (!ok) return Unauthenticated("bad signature");
    return absl::OkStatus();
  }
  // "none", HS512, PS256, ES256, ...: never accepted.
  return Unauthenticated("alg not allowed");
}

}  // namespace

absl::StatusOr<JwtVerifier> JwtVerifier::Create(JwtOptions options) {
  if (options.hs256_secret.empty() && options.rs256_public_key_pem.empty()) {
    return InvalidField("hs256_secret", "neither hs256_secret nor rs256_public_key_pem is set");
  }
  if (!options.hs256_secret.empty() && options.hs256_secret.size() < kMinHs256SecretBytes) {
    return InvalidField("hs256_secret", "must be at least 32 bytes");
  }
  // A negative or infinite leeway, or a non-positive lifetime, would silently disable or
  // invert the time checks.
  if (options.leeway < absl::ZeroDuration() || options.leeway == absl::InfiniteDuration()) {
    return InvalidField("leeway", "must be finite and not negative");
  }
  if (options.max_lifetime <= absl::ZeroDuration() ||
      options.max_lifetime == absl::InfiniteDuration()) {
    return InvalidField("max_lifetime", "must be finite and positive");
  }

  std::shared_ptr<EVP_PKEY> rsa_key;
  if (!options.rs256_public_key_pem.empty()) {
    std::unique_ptr<BIO, BioFree> bio(
        BIO_new_mem_buf(options.rs256_public_key_pem.data(),
                        static_cast<int>(options.rs256_public_key_pem.size())));
    EVP_PKEY* raw =
        bio == nullptr ? nullptr : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    // Keep OpenSSL's thread-local error queue clean for whoever uses it next.
    ERR_clear_error();
    if (raw == nullptr) {
      return InvalidField("rs256_public_key_pem", "not a PEM public key");
    }
    rsa_key.reset(raw, EVP_PKEY_free);
    // EVP_PKEY_RSA only: RSA-PSS keys (and EC, Ed25519, ...) cannot verify RS256.
    if (EVP_PKEY_get_base_id(rsa_key.get()) != EVP_PKEY_RSA) {
      return InvalidField("rs256_public_key_pem", "not an RSA key");
    }
    if (EVP_PKEY_get_bits(rsa_key.get()) < kMinRsaBits) {
      return InvalidField("rs256_public_key_pem", "RSA key shorter than 2048 bits");
    }
  }

  JwtVerifier verifier;
  verifier.options_ = std::move(options);
  verifier.rsa_key_ = std::move(rsa_key);
  return verifier;
}

absl::StatusOr<JwtClaims> JwtVerifier::Verify(absl::string_view token, absl::Time now) const {
  if (token.size() > kMaxTokenBytes) return Unauthenticated("token too large");
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Unauthenticated("malformed token");
  for (absl::string_view part : parts) {
    if (part.empty()) return Unauthenticated("malformed token");
  }

  // Header: decides which key checks the signature, so it is read before the payload.
  std::string header_json;
  if (!DecodeBase64Url(parts[0], &header_json)) return Unauthenticated("malformed header");
  Struct header;
  if (!ParseJsonObject(header_json, &header)) return Unauthenticated("malformed header");
  const Value* alg = FindField(header, "alg");
  if (alg == nullptr || alg->kind_case() != Value::kStringValue) {
    return Unauthenticated("malformed header");
  }
  if (const Value* typ = FindField(header, "typ"); typ != nullptr) {
    if (typ->kind_case() != Value::kStringValue || typ->string_value() != "JWT") {
      return Unauthenticated("typ not allowed");
    }
  }
  // RFC 7515 section 4.1.11: extensions we do not understand must not be ignored.
  if (FindField(header, "crit") != nullptr) return Unauthenticated("crit not supported");

  std::string signature;
  if (!DecodeBase64Url(parts[2], &signature)) return Unauthenticated("malformed signature");
  // The signing input is the encoded header and payload exactly as received.
  const absl::string_view signed_part = token.substr(0, parts[0].size() + 1 + parts[1].size());
  RETURN_IF_ERROR(
      VerifySignature(options_, rsa_key_.get(), alg->string_value(), signed_part, signature));

  // Payload: only parsed once the signature is known good.
  std::string payload_json;
  if (!DecodeBase64Url(parts[1], &payload_json)) return Unauthenticated("malformed payload");
  Struct claims;
  if (!ParseJsonObject(payload_json, &claims)) return Unauthenticated("malformed payload");

  bool has_exp = false, has_nbf = false, has_iat = false;
  absl::Time exp, nbf, iat;
  RETURN_IF_ERROR(ReadNumericDate(claims, "exp", &has_exp, &exp));
  RETURN_IF_ERROR(ReadNumericDate(claims, "nbf", &has_nbf, &nbf));
  RETURN_IF_ERROR(ReadNumericDate(claims, "iat", &has_iat, &iat));
  if (!has_exp) return Unauthenticated("missing exp claim");
  if (now >= exp + options_.leeway) return Unauthenticated("token expired");
  if (has_nbf && nbf > now + options_.leeway) return Unauthenticated("token not yet valid");
  if (has_iat && iat > now + options_.leeway) return Unauthenticated("token issued in the future");
  if (exp - (has_iat ? iat : now) > options_.max_lifetime) {
    return Unauthenticated("token lifetime too long");
  }

  if (!options_.issuer.empty()) {
    const Value* iss = FindField(claims, "iss");
    if (iss == nullptr || iss->kind_case() != Value::kStringValue ||
        iss->string_value() != options_.issuer) {
      return Unauthenticated("issuer mismatch");
    }
  }
  if (!options_.audience.empty()) {
    const Value* aud = FindField(claims, "aud");
    if (aud == nullptr || !AudienceContains(*aud, options_.audience)) {
      return Unauthenticated("audience mismatch");
    }
  }

  JwtClaims result;
  RETURN_IF_ERROR(ReadString(claims, "sub", &result.subject));
  RETURN_IF_ERROR(ReadString(claims, "org", &result.organization));
  if (result.organization.empty()) return Unauthenticated("missing org claim");
  std::string role_name;
  RETURN_IF_ERROR(ReadString(claims, "role", &role_name));
  if (role_name.empty()) return Unauthenticated("missing role claim");
  common::v1::Role role = common::v1::ROLE_UNSPECIFIED;
  if (!common::v1::Role_Parse(role_name, &role) || role == common::v1::ROLE_UNSPECIFIED) {
    return Unauthenticated("unknown role");
  }
  const common::v1::Role org_role = RoleOfOrganization(result.organization);
  if (org_role == common::v1::ROLE_UNSPECIFIED) return Unauthenticated("malformed org claim");
  if (role != org_role) return Unauthenticated("role does not match org");
  result.role = role;
  result.expire_time = exp;
  return result;
}

bool LooksLikeJwt(absl::string_view token) {
  const std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return false;
  for (absl::string_view part : parts) {
    if (!IsBase64UrlPart(part)) return false;
  }
  return true;
}

}  // namespace bridging::gateway
