// Tests the gateway's Authenticator against a real redis-server and an HS256 JwtVerifier:
// malformed Authorization headers refused without touching Redis, the case-insensitive
// Bearer scheme, API keys and JWTs (signed here with OpenSSL HMAC) turned into Callers, JWTs
// refused when no verifier is configured, and the injected clock.
#include "services/gateway/authenticator.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/proto_time.h"
#include "libs/store/redis_store.h"
#include "libs/testing/redis_server.h"
#include "libs/testing/test_store.h"
#include "services/gateway/jwt_verifier.h"
#include "services/gateway/key_registry.h"

namespace bridging::gateway {
namespace {

using common::v1::ROLE_ADMIN;
using common::v1::ROLE_CHARITY;

constexpr char kJwtSecret[] = "0123456789abcdef0123456789abcdef-authenticator-test";
// 2023-11-14T22:13:20Z: the injected clock starts here.
constexpr int64_t kNowUnix = 1700000000;
const absl::Time kNow = absl::FromUnixSeconds(kNowUnix);
constexpr char kHope[] = "charities/hope";

std::string B64(absl::string_view data) { return absl::WebSafeBase64Escape(data); }

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<char*>(mac), len);
}

// header.payload signed with HMAC-SHA256 under `key`.
std::string SignHs256(absl::string_view header_json, absl::string_view payload_json,
                      absl::string_view key = kJwtSecret) {
  const std::string signing_input = absl::StrCat(B64(header_json), ".", B64(payload_json));
  return absl::StrCat(signing_input, ".", B64(HmacSha256(key, signing_input)));
}

constexpr char kHs256Header[] = R"({"alg":"HS256","typ":"JWT"})";

// A token for charities/hope issued at kNow, expiring `lifetime` seconds later.
std::string HopeToken(int64_t lifetime = 3600, absl::string_view key = kJwtSecret) {
  return SignHs256(kHs256Header,
                   absl::Substitute(R"({"sub":"volunteer-7","org":"$0","role":"ROLE_CHARITY",)"
                                    R"("iat":$1,"exp":$2})",
                                    kHope, kNowUnix, kNowUnix + lifetime),
                   key);
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<bridging::testing::RedisServer>> redis =
        bridging::testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    store_ = bridging::testing::ConnectTestStore(*redis_);
    keys_ = std::make_unique<KeyRegistry>(
        *store_, [this] { return now_; }, absl::Seconds(1));

    JwtOptions options;
    options.hs256_secret = kJwtSecret;
    absl::StatusOr<JwtVerifier> verifier = JwtVerifier::Create(options);
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    with_jwt_ = std::make_unique<Authenticator>(keys_.get(), *verifier, [this] { return now_; });
    without_jwt_ =
        std::make_unique<Authenticator>(keys_.get(), std::nullopt, [this] { return now_; });

    v1::CreateOrganizationRequest org;
    org.mutable_organization()->set_name(kHope);
    org.mutable_organization()->set_display_name("Hope");
    ASSERT_TRUE(keys_->CreateOrganization(org, "operators/root").ok());
    v1::CreateApiKeyRequest key;
    key.set_parent(kHope);
    key.mutable_api_key()->set_role(ROLE_CHARITY);
    *key.mutable_api_key()->mutable_expire_time() = ToTimestamp(kNow + absl::Hours(24));
    absl::StatusOr<v1::CreateApiKeyResponse> created = keys_->CreateApiKey(key, "operators/root");
    ASSERT_TRUE(created.ok()) << created.status();
    secret_ = created->secret();
    key_name_ = created->api_key().name();
  }

  absl::Time now_ = kNow;
  std::unique_ptr<bridging::testing::RedisServer> redis_;
  std::unique_ptr<store::RedisStore> store_;
  std::unique_ptr<KeyRegistry> keys_;
  std::unique_ptr<Authenticator> with_jwt_;
  std::unique_ptr<Authenticator> without_jwt_;
  std::string secret_;
  std::string key_name_;
};

void ExpectCode(const absl::StatusOr<Caller>& caller, absl::StatusCode code,
                const std::string& what) {
  EXPECT_EQ(caller.status().code(), code)
      << "\"" << absl::CHexEscape(what) << "\": " << caller.status();
}

// Authorization values that must never reach the key store.
std::vector<std::string> MalformedHeaders(const std::string& secret) {
  return {
      "",         // missing
      "Bearer",   // no token
      "Bearer ",  // empty token
      "bearer ",
      "Basic dXNlcjpwYXNzd29yZA==",  // wrong scheme
      "Token " + secret,
      "Bearer" + secret,  // no space
      "Bearer\t" + secret,
      "Bearerx " + secret,
      " Bearer " + secret,
      "Bearer  " + secret,  // the token starts with a space
      "Bearer " + secret + " ",
      "Bearer " + secret + "\n",
      "Bearer " + secret + "-x",  // not alphanumeric
      "Bearer " + secret + "=",
      "Bearer " + secret + "_",
      "Bearer abc def",
      "Bearer ab.cd",    // two parts: not a JWT, and a dot is not alphanumeric
      "Bearer a.b.c.d",  // four parts
      "Bearer a..b",     // an empty part
      "Bearer .a.b",
      "Bearer \xc3\xa9t\xc3\xa9",  // non-ASCII letters
      std::string("Bearer abc\0def", 14),
  };
}

TEST_F(AuthenticatorTest, MalformedHeadersAreUnauthenticated) {
  for (const std::string& header : MalformedHeaders(secret_)) {
    ExpectCode(with_jwt_->Authenticate(header), absl::StatusCode::kUnauthenticated, header);
    ExpectCode(without_jwt_->Authenticate(header), absl::StatusCode::kUnauthenticated, header);
  }
}

TEST_F(AuthenticatorTest, MalformedHeadersNeverTouchRedis) {
  ASSERT_TRUE(redis_->Kill().ok());
  // Redis really is unreachable: a well-formed key the cache does not hold is UNAVAILABLE.
  ExpectCode(with_jwt_->Authenticate("Bearer " + std::string(48, 'a')),
             absl::StatusCode::kUnavailable, "well-formed unknown key");
  ExpectCode(with_jwt_->Authenticate("Bearer " + secret_), absl::StatusCode::kUnavailable,
             "uncached key");
  // Malformed ones are still UNAUTHENTICATED, so they were refused before any lookup.
  for (const std::string& header : MalformedHeaders(secret_)) {
    ExpectCode(with_jwt_->Authenticate(header), absl::StatusCode::kUnauthenticated, header);
    ExpectCode(without_jwt_->Authenticate(header), absl::StatusCode::kUnauthenticated, header);
  }
}

TEST_F(AuthenticatorTest, ApiKeyWithAnySpellingOfBearer) {
  for (const std::string scheme : {"Bearer", "bearer", "BEARER", "bEaReR"}) {
    absl::StatusOr<Caller> caller = with_jwt_->Authenticate(scheme + " " + secret_);
    ASSERT_TRUE(caller.ok()) << scheme << ": " << caller.status();
    EXPECT_EQ(caller->credential_type, v1::CREDENTIAL_TYPE_API_KEY);
    EXPECT_EQ(caller->principal.organization, kHope);
    EXPECT_EQ(caller->principal.role, ROLE_CHARITY);
    EXPECT_EQ(caller->credential_name, key_name_);
    EXPECT_EQ(caller->expire_time, kNow + absl::Hours(24));
  }
  // API keys work the same without a JWT verifier.
  absl::StatusOr<Caller> caller = without_jwt_->Authenticate("Bearer " + secret_);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->credential_name, key_name_);
}

TEST_F(AuthenticatorTest, UnknownRevokedAndExpiredKeysAreUnauthenticated) {
  ExpectCode(with_jwt_->Authenticate("Bearer " + std::string(48, 'a')),
             absl::StatusCode::kUnauthenticated, "unknown key");
  ExpectCode(with_jwt_->Authenticate("Bearer " + std::string(300, 'a')),
             absl::StatusCode::kUnauthenticated, "oversized key");
  ASSERT_TRUE(with_jwt_->Authenticate("Bearer " + secret_).ok());
  // The authenticator's clock and the registry's agree: a day later the key has expired.
  now_ += absl::Hours(24);
  ExpectCode(with_jwt_->Authenticate("Bearer " + secret_), absl::StatusCode::kUnauthenticated,
             "expired key");
  now_ = kNow;
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(key_name_);
  ASSERT_TRUE(keys_->RevokeApiKey(revoke, "operators/root").ok());
  ExpectCode(with_jwt_->Authenticate("Bearer " + secret_), absl::StatusCode::kUnauthenticated,
             "revoked key");
}

TEST_F(AuthenticatorTest, JwtIsAccepted) {
  for (const std::string scheme : {"Bearer ", "bearer "}) {
    absl::StatusOr<Caller> caller = with_jwt_->Authenticate(scheme + HopeToken());
    ASSERT_TRUE(caller.ok()) << caller.status();
    EXPECT_EQ(caller->credential_type, v1::CREDENTIAL_TYPE_JWT);
    EXPECT_EQ(caller->principal.organization, kHope);
    EXPECT_EQ(caller->principal.role, ROLE_CHARITY);
    EXPECT_EQ(caller->credential_name, "volunteer-7");
    EXPECT_EQ(caller->expire_time, kNow + absl::Hours(1));
  }
  // A JWT never needs Redis.
  ASSERT_TRUE(redis_->Kill().ok());
  absl::StatusOr<Caller> caller = with_jwt_->Authenticate("Bearer " + HopeToken());
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->credential_type, v1::CREDENTIAL_TYPE_JWT);
}

TEST_F(AuthenticatorTest, BadJwtsAreUnauthenticated) {
  const std::string good = HopeToken();
  const std::vector<std::string> bad = {
      HopeToken(3600, "another-secret-another-secret-another"),              // wrong key
      good.substr(0, good.size() - 2) + (good.back() == 'A' ? "BB" : "AA"),  // signature
      SignHs256(
          R"({"alg":"none","typ":"JWT"})",
          absl::Substitute(R"({"org":"$0","role":"ROLE_CHARITY","exp":$1})", kHope, kNowUnix + 60)),
      SignHs256(kHs256Header,  // the role does not match the organisation
                absl::Substitute(R"({"org":"$0","role":"ROLE_PRACTICE","exp":$1})", kHope,
                                 kNowUnix + 60)),
      SignHs256(kHs256Header, absl::Substitute(R"({"org":"$0","exp":$1})", kHope, kNowUnix + 60)),
  };
  for (const std::string& token : bad) {
    ExpectCode(with_jwt_->Authenticate("Bearer " + token), absl::StatusCode::kUnauthenticated,
               token);
  }
}

TEST_F(AuthenticatorTest, JwtExpiryFollowsTheInjectedClock) {
  const std::string token = "Bearer " + HopeToken(600);
  EXPECT_TRUE(with_jwt_->Authenticate(token).ok());
  now_ = kNow + absl::Seconds(600);  // at exp, within the 30 s leeway
  EXPECT_TRUE(with_jwt_->Authenticate(token).ok());
  now_ = kNow + absl::Seconds(600 + 31);
  ExpectCode(with_jwt_->Authenticate(token), absl::StatusCode::kUnauthenticated, "expired JWT");
  // The clock is read on every call: back at kNow the token is good again.
  now_ = kNow;
  EXPECT_TRUE(with_jwt_->Authenticate(token).ok());
}

TEST_F(AuthenticatorTest, JwtWithoutAVerifierIsUnauthenticated) {
  const std::string token = "Bearer " + HopeToken();
  absl::StatusOr<Caller> caller = without_jwt_->Authenticate(token);
  ExpectCode(caller, absl::StatusCode::kUnauthenticated, "JWT, no verifier");
  EXPECT_FALSE(absl::StrContains(caller.status().message(), HopeToken()));
  // Even with Redis down: a JWT-shaped token is never looked up as an API key.
  ASSERT_TRUE(redis_->Kill().ok());
  ExpectCode(without_jwt_->Authenticate(token), absl::StatusCode::kUnauthenticated,
             "JWT, no verifier, Redis down");
  ExpectCode(without_jwt_->Authenticate("Bearer a.b.c"), absl::StatusCode::kUnauthenticated,
             "JWT-shaped");
}

// EnsureBootstrapKey promises "a first admin credential": whatever secret it accepts must then
// authenticate through the Authenticator, which admits only [A-Za-z0-9] API keys.
TEST_F(AuthenticatorTest, BootstrapSecretIsRefusedOrUsable) {
  for (const std::string secret :
       {"bootstrapsecret0123456789abcdefghijklmnop", "bootstrap-secret-0123456789-abcdefghijkl",
        "b0Ot/strap+secret+0123456789+abcdefghij=", "bootstrap_secret_0123456789_abcdefghijkl"}) {
    absl::StatusOr<v1::ApiKey> key = keys_->EnsureBootstrapKey("operators/root", secret);
    if (!key.ok()) {
      EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument) << secret;
      continue;
    }
    absl::StatusOr<Caller> caller = with_jwt_->Authenticate("Bearer " + std::string(secret));
    EXPECT_TRUE(caller.ok()) << "EnsureBootstrapKey accepted \"" << secret
                             << "\" but it cannot be used: " << caller.status();
    if (caller.ok()) {
      EXPECT_EQ(caller->principal.role, ROLE_ADMIN);
    }
  }
}

}  // namespace
}  // namespace bridging::gateway
