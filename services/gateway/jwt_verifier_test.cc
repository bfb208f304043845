// Tests JwtVerifier against tokens minted here with OpenSSL: HS256 and RS256, forged and
// malformed tokens, time claims, iss/aud, org/role agreement and Create() key validation.
#include "services/gateway/jwt_verifier.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/substitute.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace bridging::gateway {
namespace {

using common::v1::ROLE_CHARITY;
using common::v1::ROLE_PRACTICE;

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef-test-secret";

// A fixed clock so every time claim is exact; 2023-11-14T22:13:20Z.
constexpr int64_t kNowUnix = 1700000000;
const absl::Time kNow = absl::FromUnixSeconds(kNowUnix);

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::string B64(absl::string_view data) { return absl::WebSafeBase64Escape(data); }

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<char*>(mac), len);
}

std::string RsaSha256(EVP_PKEY* key, absl::string_view data) {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t len = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return "";
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1) return "";
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                     data.size()) != 1) {
    return "";
  }
  sig.resize(len);
  return sig;
}

std::string PublicPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, int (*)(BIO*)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (PEM_write_bio_PUBKEY(bio.get(), key) != 1) return "";
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

// header.payload signed with HMAC-SHA256 under `key`.
std::string SignHs256(absl::string_view header_json, absl::string_view payload_json,
                      absl::string_view key = kSecret) {
  const std::string signing_input = absl::StrCat(B64(header_json), ".", B64(payload_json));
  return absl::StrCat(signing_input, ".", B64(HmacSha256(key, signing_input)));
}

std::string SignRs256(EVP_PKEY* key, absl::string_view header_json,
                      absl::string_view payload_json) {
  const std::string signing_input = absl::StrCat(B64(header_json), ".", B64(payload_json));
  return absl::StrCat(signing_input, ".", B64(RsaSha256(key, signing_input)));
}

constexpr char kHs256Header[] = R"({"alg":"HS256","typ":"JWT"})";
constexpr char kRs256Header[] = R"({"alg":"RS256","typ":"JWT"})";

// A valid payload for practices/leeds-1 issued now, expiring in an hour.
std::string Payload(absl::string_view extra = "", int64_t exp = kNowUnix + 3600) {
  return absl::Substitute(
      R"({"sub":"user-7","org":"practices/leeds-1","role":"ROLE_PRACTICE","iat":$0,"exp":$1$2})",
      kNowUnix, exp, extra.empty() ? "" : absl::StrCat(",", extra));
}

void ExpectUnauthenticated(const absl::StatusOr<JwtClaims>& result, absl::string_view message) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated) << result.status();
  EXPECT_EQ(std::string(result.status().message()), std::string(message));
}

class JwtVerifierTest : public testing::Test {
 protected:
  // RSA key generation takes a while, so one key serves the whole suite.
  static void SetUpTestSuite() {
    rsa_key_ = EVP_RSA_gen(2048);
    ASSERT_NE(rsa_key_, nullptr);
    rsa_pem_ = new std::string(PublicPem(rsa_key_));
    ASSERT_NE(rsa_pem_->find("BEGIN PUBLIC KEY"), std::string::npos);
  }
  static void TearDownTestSuite() {
    EVP_PKEY_free(rsa_key_);
    delete rsa_pem_;
  }

  static JwtVerifier Hs256Verifier(JwtOptions options = {}) {
    options.hs256_secret = kSecret;
    absl::StatusOr<JwtVerifier> verifier = JwtVerifier::Create(options);
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    return *std::move(verifier);
  }
  static JwtVerifier Rs256Verifier() {
    JwtOptions options;
    options.rs256_public_key_pem = *rsa_pem_;
    absl::StatusOr<JwtVerifier> verifier = JwtVerifier::Create(options);
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    return *std::move(verifier);
  }

  static EVP_PKEY* rsa_key_;
  static std::string* rsa_pem_;
};

EVP_PKEY* JwtVerifierTest::rsa_key_ = nullptr;
std::string* JwtVerifierTest::rsa_pem_ = nullptr;

TEST_F(JwtVerifierTest, AcceptsValidHs256) {
  absl::StatusOr<JwtClaims> claims =
      Hs256Verifier().Verify(SignHs256(kHs256Header, Payload()), kNow);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "user-7");
  EXPECT_EQ(claims->organization, "practices/leeds-1");
  EXPECT_EQ(claims->role, ROLE_PRACTICE);
  EXPECT_EQ(claims->expire_time, kNow + absl::Hours(1));
}

TEST_F(JwtVerifierTest, AcceptsValidRs256) {
  const std::string payload =
      absl::Substitute(R"({"org":"charities/c1","role":"ROLE_CHARITY","exp":$0})", kNowUnix + 60);
  absl::StatusOr<JwtClaims> claims =
      Rs256Verifier().Verify(SignRs256(rsa_key_, kRs256Header, payload), kNow);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "");
  EXPECT_EQ(claims->organization, "charities/c1");
  EXPECT_EQ(claims->role, ROLE_CHARITY);
}

TEST_F(JwtVerifierTest, AcceptsHeaderWithoutTyp) {
  EXPECT_TRUE(Hs256Verifier().Verify(SignHs256(R"({"alg":"HS256"})", Payload()), kNow).ok());
}

TEST_F(JwtVerifierTest, VerifierIsCopyable) {
  const JwtVerifier original = Rs256Verifier();
  const JwtVerifier copy = original;  // shares the parsed key
  EXPECT_TRUE(copy.Verify(SignRs256(rsa_key_, kRs256Header, Payload()), kNow).ok());
}

TEST_F(JwtVerifierTest, RefusesWrongHs256Secret) {
  const std::string token =
      SignHs256(kHs256Header, Payload(), "another-secret-that-is-32-bytes-long!!");
  ExpectUnauthenticated(Hs256Verifier().Verify(token, kNow), "bad signature");
}

TEST_F(JwtVerifierTest, RefusesRs256SignedByAnotherKey) {
  PkeyPtr other(EVP_RSA_gen(2048));
  ASSERT_NE(other, nullptr);
  ExpectUnauthenticated(
      Rs256Verifier().Verify(SignRs256(other.get(), kRs256Header, Payload()), kNow),
      "bad signature");
}

TEST_F(JwtVerifierTest, RefusesTruncatedSignature) {
  std::string token = SignHs256(kHs256Header, Payload());
  token.resize(token.size() - 4);
  ExpectUnauthenticated(Hs256Verifier().Verify(token, kNow), "bad signature");
}

TEST_F(JwtVerifierTest, RefusesTamperedPayload) {
  for (bool rsa : {false, true}) {
    const std::string token =
        rsa ? SignRs256(rsa_key_, kRs256Header, Payload()) : SignHs256(kHs256Header, Payload());
    const std::string signature = token.substr(token.rfind('.'));
    // Same signature, payload rewritten to claim another organisation.
    const std::string forged_payload =
        absl::StrReplaceAll(Payload(), {{"practices/leeds-1", "practices/york-2"}});
    const std::string forged =
        absl::StrCat(B64(rsa ? kRs256Header : kHs256Header), ".", B64(forged_payload), signature);
    const JwtVerifier verifier = rsa ? Rs256Verifier() : Hs256Verifier();
    ASSERT_TRUE(verifier.Verify(token, kNow).ok());
    ExpectUnauthenticated(verifier.Verify(forged, kNow), "bad signature");
  }
}

TEST_F(JwtVerifierTest, RefusesAlgNone) {
  const std::string header = R"({"alg":"none","typ":"JWT"})";
  // Unsecured JWS has an empty signature; also try a junk one so the part-count check alone
  // cannot be what refuses it.
  const std::string unsigned_token = absl::StrCat(B64(header), ".", B64(Payload()), ".");
  ExpectUnauthenticated(Hs256Verifier().Verify(unsigned_token, kNow), "malformed token");
  const std::string junk_signed = absl::StrCat(unsigned_token, B64("x"));
  ExpectUnauthenticated(Hs256Verifier().Verify(junk_signed, kNow), "alg not allowed");
  ExpectUnauthenticated(Hs256Verifier().Verify(SignHs256(header, Payload()), kNow),
                        "alg not allowed");
}

TEST_F(JwtVerifierTest, RefusesOtherAlgsAndMissingAlg) {
  const JwtVerifier verifier = Hs256Verifier();
  ExpectUnauthenticated(verifier.Verify(SignHs256(R"({"alg":"HS512"})", Payload()), kNow),
                        "alg not allowed");
  ExpectUnauthenticated(verifier.Verify(SignHs256(R"({"alg":"hs256"})", Payload()), kNow),
                        "alg not allowed");
  ExpectUnauthenticated(verifier.Verify(SignHs256(R"({"typ":"JWT"})", Payload()), kNow),
                        "malformed header");
  ExpectUnauthenticated(verifier.Verify(SignHs256(R"({"alg":256})", Payload()), kNow),
                        "malformed header");
}

TEST_F(JwtVerifierTest, RefusesHs256KeyedWithTheRsaPublicKey) {
  // The classic key-confusion attack: the public PEM is known to everyone, so an HS256 token
  // keyed with it must not pass a verifier that only trusts RS256.
  const std::string forged = SignHs256(kHs256Header, Payload(), *rsa_pem_);
  ExpectUnauthenticated(Rs256Verifier().Verify(forged, kNow), "alg not allowed");
}

TEST_F(JwtVerifierTest, RefusesRs256WhenOnlyHs256IsConfigured) {
  ExpectUnauthenticated(Hs256Verifier().Verify(SignRs256(rsa_key_, kRs256Header, Payload()), kNow),
                        "alg not allowed");
}

TEST_F(JwtVerifierTest, AcceptsEitherAlgWhenBothConfigured) {
  JwtOptions options;
  options.hs256_secret = kSecret;
  options.rs256_public_key_pem = *rsa_pem_;
  absl::StatusOr<JwtVerifier> verifier = JwtVerifier::Create(options);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_TRUE(verifier->Verify(SignHs256(kHs256Header, Payload()), kNow).ok());
  EXPECT_TRUE(verifier->Verify(SignRs256(rsa_key_, kRs256Header, Payload()), kNow).ok());
  // Still no confusion: the public PEM is not the HMAC secret.
  ExpectUnauthenticated(verifier->Verify(SignHs256(kHs256Header, Payload(), *rsa_pem_), kNow),
                        "bad signature");
}

TEST_F(JwtVerifierTest, RefusesBadTypAndCrit) {
  const JwtVerifier verifier = Hs256Verifier();
  ExpectUnauthenticated(
      verifier.Verify(SignHs256(R"({"alg":"HS256","typ":"at+jwt"})", Payload()), kNow),
      "typ not allowed");
  ExpectUnauthenticated(
      verifier.Verify(SignHs256(R"({"alg":"HS256","crit":["exp"]})", Payload()), kNow),
      "crit not supported");
}

TEST_F(JwtVerifierTest, RefusesExpiredToken) {
  const JwtVerifier verifier = Hs256Verifier();
  const std::string token = SignHs256(kHs256Header, Payload("", kNowUnix + 60));
  ASSERT_TRUE(verifier.Verify(token, kNow).ok());
  // Default leeway is 30s: valid until exp + 30s, refused from then on.
  EXPECT_TRUE(verifier.Verify(token, kNow + absl::Seconds(89)).ok());
  ExpectUnauthenticated(verifier.Verify(token, kNow + absl::Seconds(90)), "token expired");
  ExpectUnauthenticated(verifier.Verify(token, kNow + absl::Hours(2)), "token expired");
}

TEST_F(JwtVerifierTest, RefusesNbfInTheFuture) {
  const JwtVerifier verifier = Hs256Verifier();
  const std::string token =
      SignHs256(kHs256Header, Payload(absl::StrCat(R"("nbf":)", kNowUnix + 600)));
  ExpectUnauthenticated(verifier.Verify(token, kNow), "token not yet valid");
  EXPECT_TRUE(verifier.Verify(token, kNow + absl::Seconds(600)).ok());
}

TEST_F(JwtVerifierTest, RefusesIatInTheFuture) {
  const std::string payload =
      absl::Substitute(R"({"org":"practices/leeds-1","role":"ROLE_PRACTICE","iat":$0,"exp":$1})",
                       kNowUnix + 600, kNowUnix + 1200);
  ExpectUnauthenticated(Hs256Verifier().Verify(SignHs256(kHs256Header, payload), kNow),
                        "token issued in the future");
}

TEST_F(JwtVerifierTest, HonoursLeeway) {
  JwtOptions options;
  options.leeway = absl::Minutes(5);
  const JwtVerifier verifier = Hs256Verifier(options);
  // Expired 4 minutes ago and not valid for another 4 minutes: both inside a 5 minute leeway.
  const std::string expired = SignHs256(kHs256Header, Payload("", kNowUnix - 240));
  const std::string early =
      SignHs256(kHs256Header, Payload(absl::StrCat(R"("nbf":)", kNowUnix + 240)));
  EXPECT_TRUE(verifier.Verify(expired, kNow).ok());
  EXPECT_TRUE(verifier.Verify(early, kNow).ok());
  // The default 30s leeway refuses both.
  ExpectUnauthenticated(Hs256Verifier().Verify(expired, kNow), "token expired");
  ExpectUnauthenticated(Hs256Verifier().Verify(early, kNow), "token not yet valid");
}

TEST_F(JwtVerifierTest, RefusesMissingOrMalformedExp) {
  const JwtVerifier verifier = Hs256Verifier();
  const std::string no_exp = R"({"org":"practices/leeds-1","role":"ROLE_PRACTICE"})";
  ExpectUnauthenticated(verifier.Verify(SignHs256(kHs256Header, no_exp), kNow),
                        "missing exp claim");
  const std::string string_exp =
      R"({"org":"practices/leeds-1","role":"ROLE_PRACTICE","exp":"1700003600"})";
  ExpectUnauthenticated(verifier.Verify(SignHs256(kHs256Header, string_exp), kNow),
                        "malformed exp claim");
  const std::string huge_exp = R"({"org":"practices/leeds-1","role":"ROLE_PRACTICE","exp":1e300})";
  ExpectUnauthenticated(verifier.Verify(SignHs256(kHs256Header, huge_exp), kNow),
                        "malformed exp claim");
}

TEST_F(JwtVerifierTest, RefusesLifetimeTooLong) {
  const JwtVerifier verifier = Hs256Verifier();
  // iat now, exp 25h later: over the default 24h.
  ExpectUnauthenticated(
      verifier.Verify(SignHs256(kHs256Header, Payload("", kNowUnix + 25 * 3600)), kNow),
      "token lifetime too long");
  EXPECT_TRUE(
      verifier.Verify(SignHs256(kHs256Header, Payload("", kNowUnix + 24 * 3600)), kNow).ok());
  // Without iat the lifetime is measured from now.
  const std::string no_iat = absl::Substitute(
      R"({"org":"practices/leeds-1","role":"ROLE_PRACTICE","exp":$0})", kNowUnix + 25 * 3600);
  ExpectUnauthenticated(verifier.Verify(SignHs256(kHs256Header, no_iat), kNow),
                        "token lifetime too long");
}

TEST_F(JwtVerifierTest, ChecksIssuer) {
  JwtOptions options;
  options.issuer = "https://idp.example";
  const JwtVerifier verifier = Hs256Verifier(options);
  EXPECT_TRUE(
      verifier.Verify(SignHs256(kHs256Header, Payload(R"("iss":"https://idp.example")")), kNow)
          .ok());
  ExpectUnauthenticated(
      verifier.Verify(SignHs256(kHs256Header, Payload(R"("iss":"https://evil.example")")), kNow),
      "issuer mismatch");
  ExpectUnauthenticated(verifier.Verify(SignHs256(kHs256Header, Payload()), kNow),
                        "issuer mismatch");
}

TEST_F(JwtVerifierTest, ChecksAudienceAsStringOrArray) {
  JwtOptions options;
  options.audience = "bridging-gateway";
  const JwtVerifier verifier = Hs256Verifier(options);
  EXPECT_TRUE(
      verifier.Verify(SignHs256(kHs256Header, Payload(R"("aud":"bridging-gateway")")), kNow).ok());
  EXPECT_TRUE(
      verifier
          .Verify(SignHs256(kHs256Header, Payload(R"("aud":["other","bridging-gateway"])")), kNow)
          .ok());
  ExpectUnauthenticated(
      verifier.Verify(SignHs256(kHs256Header, Payload(R"("aud":["other","another"])")), kNow),
      "audience mismatch");
  ExpectUnauthenticated(verifier.Verify(SignHs256(kHs256Header, Payload(R"("aud":"other")")), kNow),
                        "audience mismatch");
  ExpectUnauthenticated(verifier.Verify(SignHs256(kHs256Header, Payload()), kNow),
                        "audience mismatch");
}

TEST_F(JwtVerifierTest, RefusesRoleNotMatchingOrgCollection) {
  const std::string payload = absl::Substitute(
      R"({"org":"practices/leeds-1","role":"ROLE_ADMIN","exp":$0})", kNowUnix + 60);
  ExpectUnauthenticated(Hs256Verifier().Verify(SignHs256(kHs256Header, payload), kNow),
                        "role does not match org");
}

TEST_F(JwtVerifierTest, RefusesUnknownOrUnspecifiedRole) {
  const JwtVerifier verifier = Hs256Verifier();
  for (const char* role : {"ROLE_SUPERUSER", "ROLE_UNSPECIFIED", "role_practice", "1"}) {
    const std::string payload = absl::Substitute(
        R"({"org":"practices/leeds-1","role":"$0","exp":$1})", role, kNowUnix + 60);
    ExpectUnauthenticated(verifier.Verify(SignHs256(kHs256Header, payload), kNow), "unknown role");
  }
}

TEST_F(JwtVerifierTest, RefusesMissingOrMalformedOrgAndRole) {
  const JwtVerifier verifier = Hs256Verifier();
  const auto verify = [&](absl::string_view payload) {
    return verifier.Verify(SignHs256(kHs256Header, payload), kNow);
  };
  ExpectUnauthenticated(verify(R"({"role":"ROLE_PRACTICE","exp":1700000060})"),
                        "missing org claim");
  ExpectUnauthenticated(verify(R"({"org":"practices/leeds-1","exp":1700000060})"),
                        "missing role claim");
  ExpectUnauthenticated(verify(R"({"org":7,"role":"ROLE_PRACTICE","exp":1700000060})"),
                        "malformed org claim");
  ExpectUnauthenticated(
      verify(R"({"org":"practices/leeds-1/x","role":"ROLE_PRACTICE","exp":1700000060})"),
      "malformed org claim");
  ExpectUnauthenticated(verify(R"({"org":"planets/mars","role":"ROLE_PRACTICE","exp":1700000060})"),
                        "malformed org claim");
}

TEST_F(JwtVerifierTest, RefusesMalformedBase64) {
  const JwtVerifier verifier = Hs256Verifier();
  const std::string good = SignHs256(kHs256Header, Payload());
  ASSERT_TRUE(verifier.Verify(good, kNow).ok());
  const size_t dot1 = good.find('.');
  const size_t dot2 = good.rfind('.');
  // A character outside base64url in each part in turn.
  std::string bad_header = good;
  bad_header[1] = '*';
  ExpectUnauthenticated(verifier.Verify(bad_header, kNow), "malformed header");
  // The payload is only decoded once the signature is good, so sign the malformed payload
  // properly: then the payload decoder alone can refuse it. '+' is standard-alphabet base64.
  const std::string bad_input =
      absl::StrCat(good.substr(0, dot1 + 1), "+", good.substr(dot1 + 2, dot2 - dot1 - 2));
  const std::string bad_payload = absl::StrCat(bad_input, ".", B64(HmacSha256(kSecret, bad_input)));
  ExpectUnauthenticated(verifier.Verify(bad_payload, kNow), "malformed payload");
  std::string bad_signature = good;
  bad_signature[dot2 + 1] = '/';
  ExpectUnauthenticated(verifier.Verify(bad_signature, kNow), "malformed signature");
  // A length no base64 encoding can have (4n + 1: the 43-character signature plus two).
  ExpectUnauthenticated(verifier.Verify(absl::StrCat(good, "AA"), kNow), "malformed signature");
  // Non-zero unused trailing bits: the 43rd character carries 4 signature bits and 2 unused
  // ones, so setting an unused bit gives the same bytes in a lax decoder. Only the canonical
  // encoding is accepted, so a signed token has exactly one spelling.
  constexpr absl::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string lax_signature = good;
  const size_t last = kAlphabet.find(lax_signature.back());
  ASSERT_EQ(last % 4, 0u);
  lax_signature.back() = kAlphabet[last | 1];
  ExpectUnauthenticated(verifier.Verify(lax_signature, kNow), "malformed signature");
}

TEST_F(JwtVerifierTest, RefusesPadding) {
  const JwtVerifier verifier = Hs256Verifier();
  // The HMAC is 32 bytes, so its unpadded base64url has 43 characters and one '=' of padding.
  const std::string good = SignHs256(kHs256Header, Payload());
  ASSERT_EQ(good.size() - good.rfind('.') - 1, 43u);
  ExpectUnauthenticated(verifier.Verify(absl::StrCat(good, "="), kNow), "malformed signature");
  // A header whose encoding needs padding, sent padded.
  const std::string header = R"({"alg":"HS256"} )";  // 16 bytes: "==" of padding
  const std::string padded_input = absl::StrCat(B64(header), "==.", B64(Payload()));
  const std::string padded =
      absl::StrCat(padded_input, ".", B64(HmacSha256(kSecret, padded_input)));
  ExpectUnauthenticated(verifier.Verify(padded, kNow), "malformed header");
}

TEST_F(JwtVerifierTest, RefusesWrongPartCount) {
  const JwtVerifier verifier = Hs256Verifier();
  const std::string good = SignHs256(kHs256Header, Payload());
  ExpectUnauthenticated(verifier.Verify("", kNow), "malformed token");
  ExpectUnauthenticated(verifier.Verify(good.substr(0, good.rfind('.')), kNow), "malformed token");
  ExpectUnauthenticated(verifier.Verify(absl::StrCat(good, ".", B64("x")), kNow),
                        "malformed token");
  ExpectUnauthenticated(verifier.Verify(absl::StrCat(".", good), kNow), "malformed token");
}

TEST_F(JwtVerifierTest, RefusesOversizedToken) {
  // Correctly signed, so only the size bound can refuse it.
  const std::string token =
      SignHs256(kHs256Header, Payload(absl::StrCat(R"("pad":")", std::string(9000, 'a'), "\"")));
  ASSERT_GT(token.size(), 8u * 1024);
  ExpectUnauthenticated(Hs256Verifier().Verify(token, kNow), "token too large");
}

TEST_F(JwtVerifierTest, RefusesNonJsonAndNonObjectPayloads) {
  const JwtVerifier verifier = Hs256Verifier();
  for (const char* payload : {"not json", R"(["org","practices/leeds-1"])", "42", R"("a string")",
                              R"({"exp":1700000060)"}) {
    ExpectUnauthenticated(verifier.Verify(SignHs256(kHs256Header, payload), kNow),
                          "malformed payload");
  }
  ExpectUnauthenticated(verifier.Verify(SignHs256("[1,2]", Payload()), kNow), "malformed header");
}

TEST_F(JwtVerifierTest, RefusesDuplicateMembers) {
  // With duplicates, which value wins depends on the parser; two parsers disagreeing is a
  // classic way to smuggle "alg" or "org" past one of them, so duplicates are refused.
  const JwtVerifier verifier = Hs256Verifier();
  ExpectUnauthenticated(
      verifier.Verify(SignHs256(R"({"alg":"none","alg":"HS256"})", Payload()), kNow),
      "malformed header");
  ExpectUnauthenticated(
      verifier.Verify(SignHs256(kHs256Header, Payload(R"("org":"practices/york-2")")), kNow),
      "malformed payload");
}

TEST_F(JwtVerifierTest, RefusesDeeplyNestedJson) {
  // Within the size bound but deeper than the parser allows: refused, not a stack overflow.
  const std::string nested =
      absl::StrCat(R"("x":)", std::string(2000, '['), std::string(2000, ']'));
  const std::string token = SignHs256(kHs256Header, Payload(nested));
  ASSERT_LT(token.size(), 8u * 1024);
  ExpectUnauthenticated(Hs256Verifier().Verify(token, kNow), "malformed payload");
}

TEST_F(JwtVerifierTest, ErrorsNeverEchoTheToken) {
  const JwtVerifier verifier = Hs256Verifier();
  const std::string token = SignHs256(
      kHs256Header, R"({"org":"practices/secret-org","role":"ROLE_SUPERUSER","exp":1700000060})");
  absl::StatusOr<JwtClaims> result = verifier.Verify(token, kNow);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message().find("secret-org"), absl::string_view::npos);
  EXPECT_EQ(result.status().message().find("SUPERUSER"), absl::string_view::npos);
  EXPECT_EQ(result.status().message().find(token.substr(0, 10)), absl::string_view::npos);
}

TEST_F(JwtVerifierTest, SurvivesArbitraryInput) {
  // Every prefix and some byte flips of a valid token: none may crash or pass.
  const JwtVerifier verifier = Hs256Verifier();
  const std::string good = SignHs256(kHs256Header, Payload());
  for (size_t i = 0; i < good.size(); ++i) {
    EXPECT_FALSE(verifier.Verify(good.substr(0, i), kNow).ok()) << i;
    std::string flipped = good;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    EXPECT_FALSE(verifier.Verify(flipped, kNow).ok()) << i;
  }
  EXPECT_FALSE(verifier.Verify(std::string("a.b\0.c", 6), kNow).ok());
}

TEST(JwtVerifierCreateTest, RefusesShortSecret) {
  JwtOptions options;
  options.hs256_secret = std::string(31, 'k');
  absl::StatusOr<JwtVerifier> verifier = JwtVerifier::Create(options);
  EXPECT_EQ(verifier.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(verifier.status().message().find("hs256_secret"), absl::string_view::npos);
  options.hs256_secret = std::string(32, 'k');
  EXPECT_TRUE(JwtVerifier::Create(options).ok());
}

TEST(JwtVerifierCreateTest, RefusesNoKey) {
  EXPECT_EQ(JwtVerifier::Create(JwtOptions{}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(JwtVerifierCreateTest, RefusesGarbagePem) {
  for (const char* pem :
       {"not a pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}) {
    JwtOptions options;
    options.rs256_public_key_pem = pem;
    absl::StatusOr<JwtVerifier> verifier = JwtVerifier::Create(options);
    EXPECT_EQ(verifier.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(verifier.status().message().find("rs256_public_key_pem"), absl::string_view::npos);
  }
}

TEST(JwtVerifierCreateTest, RefusesShortRsaKey) {
  PkeyPtr key(EVP_RSA_gen(1024));
  ASSERT_NE(key, nullptr);
  JwtOptions options;
  options.rs256_public_key_pem = PublicPem(key.get());
  ASSERT_FALSE(options.rs256_public_key_pem.empty());
  absl::StatusOr<JwtVerifier> verifier = JwtVerifier::Create(options);
  EXPECT_EQ(verifier.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(verifier.status().message().find("2048"), absl::string_view::npos);
}

TEST(JwtVerifierCreateTest, RefusesNonRsaKey) {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_NE(key, nullptr);
  JwtOptions options;
  options.rs256_public_key_pem = PublicPem(key.get());
  absl::StatusOr<JwtVerifier> verifier = JwtVerifier::Create(options);
  EXPECT_EQ(verifier.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(verifier.status().message().find("not an RSA key"), absl::string_view::npos);
}

TEST(JwtVerifierCreateTest, RefusesNegativeLeewayAndNonPositiveLifetime) {
  JwtOptions options;
  options.hs256_secret = kSecret;
  options.leeway = absl::Seconds(-1);
  EXPECT_EQ(JwtVerifier::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.leeway = absl::Seconds(30);
  options.max_lifetime = absl::ZeroDuration();
  EXPECT_EQ(JwtVerifier::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(LooksLikeJwtTest, RecognisesThreeBase64UrlParts) {
  EXPECT_TRUE(LooksLikeJwt("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2ln-_"));
  EXPECT_FALSE(LooksLikeJwt("bk_live_0123456789abcdef"));  // an API key shape
  EXPECT_FALSE(LooksLikeJwt("a.b"));
  EXPECT_FALSE(LooksLikeJwt("a.b.c.d"));
  EXPECT_FALSE(LooksLikeJwt("a..c"));
  EXPECT_FALSE(LooksLikeJwt(".b.c"));
  EXPECT_FALSE(LooksLikeJwt("a.b."));
  EXPECT_FALSE(LooksLikeJwt("a.b=.c"));
  EXPECT_FALSE(LooksLikeJwt("a.b+.c"));
  EXPECT_FALSE(LooksLikeJwt(""));
}

}  // namespace
}  // namespace bridging::gateway
