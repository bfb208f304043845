// Tests the gateway's KeyRegistry against a real redis-server with an injected clock:
// organisation and API key validation, idempotent replays, listing and paging, secrets kept
// only as SHA-256, authentication (cache, revocation, expiry, Redis outages) and the
// bootstrap operator key.
#include "services/gateway/key_registry.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/common/crypto.h"
#include "libs/common/proto_time.h"
#include "libs/store/redis_store.h"
#include "libs/testing/redis_server.h"
#include "libs/testing/test_store.h"

namespace bridging::gateway {
namespace {

using common::v1::ROLE_ADMIN;
using common::v1::ROLE_CHARITY;
using common::v1::ROLE_PRACTICE;
using common::v1::ROLE_RESEARCHER;
using common::v1::ROLE_SERVICE;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// 2023-11-14T22:13:20Z: the injected clock starts here.
const absl::Time kStart = absl::FromUnixSeconds(1700000000);
constexpr char kOperators[] = "operators/root";
constexpr char kLeeds[] = "practices/leeds-1";
constexpr char kHope[] = "charities/hope";

class KeyRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<bridging::testing::RedisServer>> redis =
        bridging::testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    store_ = bridging::testing::ConnectTestStore(*redis_);
    registry_ = NewRegistry(absl::Seconds(1));
  }

  std::unique_ptr<KeyRegistry> NewRegistry(absl::Duration cache_ttl) {
    return std::make_unique<KeyRegistry>(
        *store_, [this] { return now_; }, cache_ttl);
  }

  absl::StatusOr<v1::Organization> CreateOrg(const std::string& name,
                                             const std::string& display_name = "An organisation",
                                             const std::string& request_id = "") {
    v1::CreateOrganizationRequest request;
    request.mutable_organization()->set_name(name);
    request.mutable_organization()->set_display_name(display_name);
    request.set_request_id(request_id);
    return registry_->CreateOrganization(request, kOperators);
  }

  v1::CreateApiKeyRequest KeyRequest(const std::string& parent, common::v1::Role role,
                                     absl::Duration lifetime = absl::Hours(24 * 30)) {
    v1::CreateApiKeyRequest request;
    request.set_parent(parent);
    request.mutable_api_key()->set_display_name("reception tablet");
    request.mutable_api_key()->set_role(role);
    *request.mutable_api_key()->mutable_expire_time() = ToTimestamp(now_ + lifetime);
    return request;
  }

  // Creates the organisation (if needed) and a key; fails the test on error.
  v1::CreateApiKeyResponse MustCreateKey(const std::string& parent, common::v1::Role role,
                                         absl::Duration lifetime = absl::Hours(24 * 30)) {
    absl::StatusOr<v1::Organization> org = CreateOrg(parent);
    EXPECT_TRUE(org.ok() || absl::IsAlreadyExists(org.status())) << org.status();
    absl::StatusOr<v1::CreateApiKeyResponse> key =
        registry_->CreateApiKey(KeyRequest(parent, role, lifetime), kOperators);
    EXPECT_TRUE(key.ok()) << key.status();
    return key.ok() ? *key : v1::CreateApiKeyResponse();
  }

  std::vector<v1::ApiKey> ListAllKeys(const std::string& parent, bool show_inactive, int page_size,
                                      int* pages = nullptr) {
    std::vector<v1::ApiKey> keys;
    v1::ListApiKeysRequest request;
    request.set_parent(parent);
    request.set_show_inactive(show_inactive);
    request.set_page_size(page_size);
    int count = 0;
    do {
      absl::StatusOr<v1::ListApiKeysResponse> page = registry_->ListApiKeys(request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok() || ++count > 100) break;
      EXPECT_LE(page->api_keys_size(), page_size);
      for (const v1::ApiKey& key : page->api_keys()) keys.push_back(key);
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty());
    if (pages != nullptr) *pages = count;
    return keys;
  }

  absl::Time now_ = kStart;
  std::unique_ptr<bridging::testing::RedisServer> redis_;
  std::unique_ptr<store::RedisStore> store_;
  std::unique_ptr<KeyRegistry> registry_;
};

void ExpectCode(const absl::Status& status, absl::StatusCode code, const std::string& what) {
  EXPECT_EQ(status.code(), code) << what << ": " << status;
}

// --- Organisations ---------------------------------------------------------------------------

TEST_F(KeyRegistryTest, CreateOrganizationSetsRoleFromCollection) {
  const std::vector<std::pair<std::string, common::v1::Role>> cases = {
      {"practices/leeds-1", ROLE_PRACTICE},
      {"charities/hope", ROLE_CHARITY},
      {"researchers/team-a", ROLE_RESEARCHER},
      {"operators/ops", ROLE_ADMIN},
      {"services/sync", ROLE_SERVICE}};
  for (const auto& [name, role] : cases) {
    absl::StatusOr<v1::Organization> org = CreateOrg(name, "Somewhere");
    ASSERT_TRUE(org.ok()) << name << ": " << org.status();
    EXPECT_EQ(org->name(), name);
    EXPECT_EQ(org->display_name(), "Somewhere");
    EXPECT_EQ(org->role(), role) << name;
    EXPECT_EQ(FromTimestamp(org->create_time()), kStart);
    EXPECT_FALSE(org->etag().empty());
    absl::StatusOr<v1::Organization> read = registry_->GetOrganization(name);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(read->SerializeAsString(), org->SerializeAsString());
  }
}

TEST_F(KeyRegistryTest, CreateOrganizationValidatesTheName) {
  const std::vector<std::string> bad_names = {
      "",
      "leeds-1",
      "hospitals/leeds-1",  // wrong collection
      "Practices/leeds-1",  // uppercase collection
      "practices/Leeds-1",  // uppercase id
      "practices/LEEDS",
      "practices/ab",  // id too short
      "practices/a",
      "practices/",
      "/leeds-1",
      "practices/1abc",  // id must start with a letter
      "practices/-abc",
      "practices/abc_d",
      "practices/leeds-1/extra",  // extra segments
      "practices/leeds-1/plans/p1",
      "practices//leeds-1",
      "practices/leeds-1/",
      "practices/" + std::string(64, 'a'),  // id too long
  };
  for (const std::string& name : bad_names) {
    absl::StatusOr<v1::Organization> org = CreateOrg(name);
    ExpectCode(org.status(), absl::StatusCode::kInvalidArgument, name);
    if (!org.ok()) {
      EXPECT_THAT(org.status().message(), HasSubstr("organization.name")) << name;
    }
  }
  // The limits themselves are fine.
  EXPECT_TRUE(CreateOrg("practices/abc").ok());
  EXPECT_TRUE(CreateOrg("practices/" + std::string(63, 'a')).ok());
  // Nothing invalid was stored.
  absl::StatusOr<v1::ListOrganizationsResponse> all =
      registry_->ListOrganizations(v1::ListOrganizationsRequest());
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->organizations_size(), 2);
}

TEST_F(KeyRegistryTest, CreateOrganizationValidatesTheDisplayName) {
  ExpectCode(CreateOrg(kLeeds, "").status(), absl::StatusCode::kInvalidArgument, "missing");
  absl::StatusOr<v1::Organization> too_long = CreateOrg(kLeeds, std::string(201, 'x'));
  ExpectCode(too_long.status(), absl::StatusCode::kInvalidArgument, "201 characters");
  EXPECT_THAT(too_long.status().message(), HasSubstr("display_name"));
  EXPECT_TRUE(absl::IsNotFound(registry_->GetOrganization(kLeeds).status()));
  EXPECT_TRUE(CreateOrg(kLeeds, std::string(200, 'x')).ok());
}

TEST_F(KeyRegistryTest, CreateOrganizationTwiceIsAlreadyExists) {
  ASSERT_TRUE(CreateOrg(kLeeds, "First").ok());
  now_ += absl::Minutes(1);
  absl::StatusOr<v1::Organization> again = CreateOrg(kLeeds, "Second");
  ExpectCode(again.status(), absl::StatusCode::kAlreadyExists, "duplicate");
  absl::StatusOr<v1::Organization> read = registry_->GetOrganization(kLeeds);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->display_name(), "First");
  EXPECT_EQ(FromTimestamp(read->create_time()), kStart);
}

TEST_F(KeyRegistryTest, CreateOrganizationReplaysTheSameRequestId) {
  absl::StatusOr<v1::Organization> first = CreateOrg(kLeeds, "Leeds", "req-1");
  ASSERT_TRUE(first.ok()) << first.status();
  now_ += absl::Minutes(5);
  // The same request again: the first answer, not ALREADY_EXISTS.
  absl::StatusOr<v1::Organization> replay = CreateOrg(kLeeds, "Leeds", "req-1");
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->SerializeAsString(), first->SerializeAsString());
  // Another request under the same id: refused.
  absl::StatusOr<v1::Organization> reused = CreateOrg(kHope, "Hope", "req-1");
  ExpectCode(reused.status(), absl::StatusCode::kInvalidArgument, "reused request_id");
  EXPECT_THAT(reused.status().message(), HasSubstr("request_id"));
  EXPECT_TRUE(absl::IsNotFound(registry_->GetOrganization(kHope).status()));
  // A malformed request_id is refused.
  ExpectCode(CreateOrg(kHope, "Hope", "bad id!").status(), absl::StatusCode::kInvalidArgument,
             "bad request_id");
  ExpectCode(CreateOrg(kHope, "Hope", std::string(65, 'r')).status(),
             absl::StatusCode::kInvalidArgument, "long request_id");
  // Request ids are scoped to the caller: another caller's retry is a new request.
  v1::CreateOrganizationRequest request;
  request.mutable_organization()->set_name(kLeeds);
  request.mutable_organization()->set_display_name("Leeds");
  request.set_request_id("req-1");
  ExpectCode(registry_->CreateOrganization(request, "operators/other").status(),
             absl::StatusCode::kAlreadyExists, "other caller");
}

TEST_F(KeyRegistryTest, ListOrganizationsPagesInNameOrder) {
  const std::vector<std::string> names = {
      "charities/hope",    "charities/zeal", "operators/ops",      "practices/abc",
      "practices/leeds-1", "practices/york", "researchers/team-a", "services/sync"};
  for (auto it = names.rbegin(); it != names.rend(); ++it) ASSERT_TRUE(CreateOrg(*it).ok());

  v1::ListOrganizationsRequest request;
  request.set_page_size(3);
  std::vector<std::string> seen;
  int pages = 0;
  do {
    absl::StatusOr<v1::ListOrganizationsResponse> page = registry_->ListOrganizations(request);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_LE(page->organizations_size(), 3);
    for (const v1::Organization& org : page->organizations()) seen.push_back(org.name());
    request.set_page_token(page->next_page_token());
    ASSERT_LT(++pages, 10);
  } while (!request.page_token().empty());
  EXPECT_EQ(seen, names);
  EXPECT_EQ(pages, 3);

  // An exact multiple of the page size ends without an empty extra page.
  request.set_page_size(4);
  request.clear_page_token();
  absl::StatusOr<v1::ListOrganizationsResponse> first = registry_->ListOrganizations(request);
  ASSERT_TRUE(first.ok());
  request.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListOrganizationsResponse> second = registry_->ListOrganizations(request);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->organizations_size(), 4);
  EXPECT_EQ(second->next_page_token(), "");
}

TEST_F(KeyRegistryTest, ListOrganizationsFiltersByRole) {
  for (const char* name : {"charities/hope", "charities/zeal", "practices/abc", "practices/leeds-1",
                           "practices/york", "researchers/team-a", "services/sync"}) {
    ASSERT_TRUE(CreateOrg(name).ok());
  }
  v1::ListOrganizationsRequest request;
  request.set_role(ROLE_PRACTICE);
  request.set_page_size(2);
  std::vector<std::string> seen;
  std::string practice_token;
  do {
    absl::StatusOr<v1::ListOrganizationsResponse> page = registry_->ListOrganizations(request);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const v1::Organization& org : page->organizations()) {
      EXPECT_EQ(org.role(), ROLE_PRACTICE);
      seen.push_back(org.name());
    }
    if (practice_token.empty()) practice_token = page->next_page_token();
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(seen,
            (std::vector<std::string>{"practices/abc", "practices/leeds-1", "practices/york"}));

  request.clear_page_token();
  request.set_role(ROLE_ADMIN);
  absl::StatusOr<v1::ListOrganizationsResponse> none = registry_->ListOrganizations(request);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->organizations_size(), 0);
  EXPECT_EQ(none->next_page_token(), "");

  // A token is only good for the filter it came from.
  ASSERT_FALSE(practice_token.empty());
  request.set_role(ROLE_CHARITY);
  request.set_page_token(practice_token);
  ExpectCode(registry_->ListOrganizations(request).status(), absl::StatusCode::kInvalidArgument,
             "token of another filter");
  request.clear_page_token();
  request.set_role(static_cast<common::v1::Role>(99));
  ExpectCode(registry_->ListOrganizations(request).status(), absl::StatusCode::kInvalidArgument,
             "unknown role");
  request.set_role(common::v1::ROLE_UNSPECIFIED);
  request.set_page_size(-1);
  ExpectCode(registry_->ListOrganizations(request).status(), absl::StatusCode::kInvalidArgument,
             "negative page size");
}

// --- API keys --------------------------------------------------------------------------------

TEST_F(KeyRegistryTest, CreateApiKeyValidatesRoleAndExpiry) {
  ASSERT_TRUE(CreateOrg(kLeeds).ok());
  auto create = [&](const v1::CreateApiKeyRequest& request) {
    return registry_->CreateApiKey(request, kOperators).status();
  };
  // The role must be the organisation's.
  for (common::v1::Role role :
       {common::v1::ROLE_UNSPECIFIED, ROLE_CHARITY, ROLE_ADMIN, ROLE_SERVICE}) {
    absl::Status status = create(KeyRequest(kLeeds, role));
    ExpectCode(status, absl::StatusCode::kInvalidArgument, common::v1::Role_Name(role));
    EXPECT_THAT(status.message(), HasSubstr("api_key.role"));
  }
  // expire_time is required, in the future and at most a year ahead.
  v1::CreateApiKeyRequest no_expiry = KeyRequest(kLeeds, ROLE_PRACTICE);
  no_expiry.mutable_api_key()->clear_expire_time();
  ExpectCode(create(no_expiry), absl::StatusCode::kInvalidArgument, "no expire_time");
  ExpectCode(create(KeyRequest(kLeeds, ROLE_PRACTICE, absl::ZeroDuration())),
             absl::StatusCode::kInvalidArgument, "expires now");
  ExpectCode(create(KeyRequest(kLeeds, ROLE_PRACTICE, -absl::Seconds(1))),
             absl::StatusCode::kInvalidArgument, "expired");
  ExpectCode(create(KeyRequest(kLeeds, ROLE_PRACTICE, absl::Hours(24 * 367))),
             absl::StatusCode::kInvalidArgument, "367 days");
  ExpectCode(create(KeyRequest(kLeeds, ROLE_PRACTICE, absl::Hours(24 * 365 * 10))),
             absl::StatusCode::kInvalidArgument, "ten years");
  EXPECT_TRUE(create(KeyRequest(kLeeds, ROLE_PRACTICE, absl::Seconds(1))).ok());
  EXPECT_TRUE(create(KeyRequest(kLeeds, ROLE_PRACTICE, absl::Hours(24 * 365))).ok());
  // The display name is optional but bounded.
  v1::CreateApiKeyRequest long_name = KeyRequest(kLeeds, ROLE_PRACTICE);
  long_name.mutable_api_key()->set_display_name(std::string(201, 'n'));
  ExpectCode(create(long_name), absl::StatusCode::kInvalidArgument, "long display name");
}

TEST_F(KeyRegistryTest, CreateApiKeyNeedsAnExistingWellFormedParent) {
  ExpectCode(
      registry_->CreateApiKey(KeyRequest("practices/nobody", ROLE_PRACTICE), kOperators).status(),
      absl::StatusCode::kNotFound, "unknown parent");
  for (const std::string parent :
       {"", "practices", "practices/Leeds", "hospitals/leeds-1", "practices/leeds-1/apiKeys/x"}) {
    ExpectCode(registry_->CreateApiKey(KeyRequest(parent, ROLE_PRACTICE), kOperators).status(),
               absl::StatusCode::kInvalidArgument, parent);
  }
}

TEST_F(KeyRegistryTest, CreateApiKeyReturnsTheSecretOnce) {
  ASSERT_TRUE(CreateOrg(kLeeds).ok());
  v1::CreateApiKeyRequest request = KeyRequest(kLeeds, ROLE_PRACTICE);
  request.set_request_id("key-1");
  absl::StatusOr<v1::CreateApiKeyResponse> created = registry_->CreateApiKey(request, kOperators);
  ASSERT_TRUE(created.ok()) << created.status();
  const v1::ApiKey& key = created->api_key();
  const std::string& secret = created->secret();
  EXPECT_EQ(secret.size(), 48u);
  for (char c : secret) EXPECT_TRUE(absl::ascii_isdigit(c) || absl::ascii_islower(c)) << secret;
  EXPECT_EQ(key.key_prefix(), secret.substr(0, 8));
  EXPECT_THAT(key.name(), StartsWith(absl::StrCat(kLeeds, "/apiKeys/")));
  EXPECT_EQ(key.role(), ROLE_PRACTICE);
  EXPECT_EQ(key.state(), v1::API_KEY_STATE_ACTIVE);
  EXPECT_EQ(key.display_name(), "reception tablet");
  EXPECT_EQ(FromTimestamp(key.create_time()), kStart);
  EXPECT_EQ(FromTimestamp(key.expire_time()), kStart + absl::Hours(24 * 30));
  EXPECT_FALSE(key.etag().empty());

  // A retry gets the key, never the secret.
  now_ += absl::Minutes(1);
  absl::StatusOr<v1::CreateApiKeyResponse> replay = registry_->CreateApiKey(request, kOperators);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->secret(), "");
  EXPECT_EQ(replay->api_key().name(), key.name());
  EXPECT_EQ(replay->api_key().key_prefix(), key.key_prefix());
  EXPECT_EQ(replay->api_key().etag(), key.etag());
  EXPECT_EQ(ListAllKeys(kLeeds, true, 10).size(), 1u);

  // Another request under the same id is refused.
  v1::CreateApiKeyRequest other = KeyRequest(kLeeds, ROLE_PRACTICE, absl::Hours(1));
  other.set_request_id("key-1");
  ExpectCode(registry_->CreateApiKey(other, kOperators).status(),
             absl::StatusCode::kInvalidArgument, "reused request_id");

  // Without a request id, each call is a new key with a new secret.
  absl::StatusOr<v1::CreateApiKeyResponse> a =
      registry_->CreateApiKey(KeyRequest(kLeeds, ROLE_PRACTICE), kOperators);
  absl::StatusOr<v1::CreateApiKeyResponse> b =
      registry_->CreateApiKey(KeyRequest(kLeeds, ROLE_PRACTICE), kOperators);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_NE(a->api_key().name(), b->api_key().name());
  EXPECT_NE(a->secret(), b->secret());
  EXPECT_NE(a->secret(), secret);
}

TEST_F(KeyRegistryTest, OnlyTheHashOfTheSecretIsStored) {
  std::vector<std::string> secrets;
  std::vector<std::string> names;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(CreateOrg(absl::StrCat("charities/c-", i)).ok());
    v1::CreateApiKeyRequest request = KeyRequest(absl::StrCat("charities/c-", i), ROLE_CHARITY);
    request.set_request_id(absl::StrCat("req-", i));
    absl::StatusOr<v1::CreateApiKeyResponse> key = registry_->CreateApiKey(request, kOperators);
    ASSERT_TRUE(key.ok()) << key.status();
    secrets.push_back(key->secret());
    names.push_back(key->api_key().name());
    ASSERT_TRUE(registry_->Authenticate(key->secret()).ok());  // writes last_use_time
  }
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(names[0]);
  revoke.set_request_id("revoke-0");
  ASSERT_TRUE(registry_->RevokeApiKey(revoke, kOperators).ok());
  ASSERT_TRUE(registry_->EnsureBootstrapKey("operators/boot", std::string(40, 'b')).ok());
  secrets.push_back(std::string(40, 'b'));

  absl::StatusOr<store::Reply> all = store_->Command({"KEYS", "*"});
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_GT(all->elements.size(), 10u);
  std::set<std::string> hash_keys;
  for (const store::Reply& key : all->elements) {
    absl::StatusOr<store::Reply> type = store_->Command({"TYPE", key.str});
    ASSERT_TRUE(type.ok());
    std::vector<std::string> values;
    if (type->str == "string") {
      absl::StatusOr<store::Reply> value = store_->Command({"GET", key.str});
      ASSERT_TRUE(value.ok());
      values.push_back(value->str);
    } else {
      std::vector<std::string> read;
      if (type->str == "list") read = {"LRANGE", key.str, "0", "-1"};
      if (type->str == "zset") read = {"ZRANGE", key.str, "0", "-1", "WITHSCORES"};
      if (type->str == "hash") read = {"HGETALL", key.str};
      if (type->str == "set") read = {"SMEMBERS", key.str};
      if (type->str == "stream") read = {"XRANGE", key.str, "-", "+"};
      ASSERT_FALSE(read.empty()) << key.str << " has type " << type->str;
      absl::StatusOr<store::Reply> value = store_->Command(read);
      ASSERT_TRUE(value.ok());
      for (const store::Reply& element : value->elements) {
        values.push_back(element.str);
        for (const store::Reply& inner : element.elements) values.push_back(inner.DebugString());
      }
    }
    if (absl::StartsWith(key.str, "gateway:key_hash:")) hash_keys.insert(key.str);
    for (const std::string& secret : secrets) {
      EXPECT_FALSE(absl::StrContains(key.str, secret)) << key.str;
      for (const std::string& value : values) {
        EXPECT_FALSE(absl::StrContains(value, secret)) << key.str << " holds a secret";
      }
    }
  }
  // What is stored instead is the SHA-256 of each secret.
  for (const std::string& secret : secrets) {
    EXPECT_TRUE(hash_keys.count(absl::StrCat("gateway:key_hash:", Sha256Hex(secret))))
        << "no hash for a key";
  }
  EXPECT_EQ(hash_keys.size(), secrets.size());
}

// --- Authenticate ----------------------------------------------------------------------------

TEST_F(KeyRegistryTest, AuthenticateReturnsTheCaller) {
  const v1::CreateApiKeyResponse key = MustCreateKey(kHope, ROLE_CHARITY, absl::Hours(5));
  absl::StatusOr<Caller> caller = registry_->Authenticate(key.secret());
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->principal.organization, kHope);
  EXPECT_EQ(caller->principal.role, ROLE_CHARITY);
  EXPECT_EQ(caller->credential_type, v1::CREDENTIAL_TYPE_API_KEY);
  EXPECT_EQ(caller->credential_name, key.api_key().name());
  EXPECT_EQ(caller->expire_time, kStart + absl::Hours(5));

  // Twice in a row (the second from the cache) gives the same answer.
  absl::StatusOr<Caller> again = registry_->Authenticate(key.secret());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->credential_name, key.api_key().name());
  // So does a registry with no cache.
  std::unique_ptr<KeyRegistry> uncached = NewRegistry(absl::ZeroDuration());
  absl::StatusOr<Caller> fresh = uncached->Authenticate(key.secret());
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ(fresh->principal.organization, kHope);
}

TEST_F(KeyRegistryTest, AuthenticateRefusesUnknownEmptyAndOversizedSecrets) {
  const v1::CreateApiKeyResponse key = MustCreateKey(kHope, ROLE_CHARITY);
  for (const std::string& secret :
       {std::string(), std::string(48, 'a'), key.secret().substr(0, 47), key.secret() + "x",
        key.api_key().key_prefix(), absl::AsciiStrToUpper(key.secret()), std::string(256, 'z'),
        std::string(257, 'z'), key.secret() + std::string(300, 'a')}) {
    absl::StatusOr<Caller> caller = registry_->Authenticate(secret);
    ExpectCode(caller.status(), absl::StatusCode::kUnauthenticated,
               absl::StrCat("secret of ", secret.size(), " characters"));
    // The message never echoes what was presented.
    if (!secret.empty()) {
      EXPECT_FALSE(absl::StrContains(caller.status().message(), secret));
    }
  }
  // Empty and oversized secrets are refused without asking Redis.
  ASSERT_TRUE(redis_->Kill().ok());
  ExpectCode(registry_->Authenticate("").status(), absl::StatusCode::kUnauthenticated, "empty");
  ExpectCode(registry_->Authenticate(std::string(257, 'z')).status(),
             absl::StatusCode::kUnauthenticated, "oversized");
}

TEST_F(KeyRegistryTest, RevocationTakesEffectAtOnceEvenWhenCached) {
  registry_ = NewRegistry(absl::Hours(1));
  const v1::CreateApiKeyResponse key = MustCreateKey(kLeeds, ROLE_PRACTICE);
  const v1::CreateApiKeyResponse other = MustCreateKey(kLeeds, ROLE_PRACTICE);
  ASSERT_TRUE(registry_->Authenticate(key.secret()).ok());
  ASSERT_TRUE(registry_->Authenticate(other.secret()).ok());
  now_ += absl::Seconds(1);
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(key.api_key().name());
  absl::StatusOr<v1::ApiKey> revoked = registry_->RevokeApiKey(revoke, kOperators);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->state(), v1::API_KEY_STATE_REVOKED);
  EXPECT_EQ(FromTimestamp(revoked->revoke_time()), kStart + absl::Seconds(1));
  EXPECT_NE(revoked->etag(), key.api_key().etag());

  absl::StatusOr<Caller> caller = registry_->Authenticate(key.secret());
  ExpectCode(caller.status(), absl::StatusCode::kUnauthenticated, "revoked key");
  // The organisation's other key still works.
  EXPECT_TRUE(registry_->Authenticate(other.secret()).ok());
}

TEST_F(KeyRegistryTest, ExpiredKeysStopAuthenticatingEvenWhenCached) {
  registry_ = NewRegistry(absl::Hours(100));
  const v1::CreateApiKeyResponse key = MustCreateKey(kLeeds, ROLE_PRACTICE, absl::Hours(1));
  ASSERT_TRUE(registry_->Authenticate(key.secret()).ok());
  now_ += absl::Hours(1) - absl::Seconds(1);
  EXPECT_TRUE(registry_->Authenticate(key.secret()).ok());
  now_ += absl::Seconds(1);
  ExpectCode(registry_->Authenticate(key.secret()).status(), absl::StatusCode::kUnauthenticated,
             "at expire_time");
  now_ += absl::Hours(24);
  ExpectCode(registry_->Authenticate(key.secret()).status(), absl::StatusCode::kUnauthenticated,
             "a day later");
  // A registry that never cached it agrees.
  std::unique_ptr<KeyRegistry> uncached = NewRegistry(absl::ZeroDuration());
  ExpectCode(uncached->Authenticate(key.secret()).status(), absl::StatusCode::kUnauthenticated,
             "uncached");
}

TEST_F(KeyRegistryTest, RedisOutageIsUnavailableUnlessCached) {
  const v1::CreateApiKeyResponse cached = MustCreateKey(kLeeds, ROLE_PRACTICE);
  const v1::CreateApiKeyResponse uncached = MustCreateKey(kLeeds, ROLE_PRACTICE);
  ASSERT_TRUE(registry_->Authenticate(cached.secret()).ok());
  ASSERT_TRUE(redis_->Kill().ok());

  ExpectCode(registry_->Authenticate(uncached.secret()).status(), absl::StatusCode::kUnavailable,
             "uncached key, Redis down");
  ExpectCode(registry_->Authenticate(std::string(48, 'q')).status(), absl::StatusCode::kUnavailable,
             "unknown key, Redis down");
  // Within the cache TTL (1 s) the cached key still works.
  now_ += absl::Milliseconds(900);
  absl::StatusOr<Caller> caller = registry_->Authenticate(cached.secret());
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->credential_name, cached.api_key().name());
  // Past it, the outage shows.
  now_ += absl::Milliseconds(100);
  ExpectCode(registry_->Authenticate(cached.secret()).status(), absl::StatusCode::kUnavailable,
             "cache expired, Redis down");
}

// --- RevokeApiKey ----------------------------------------------------------------------------

TEST_F(KeyRegistryTest, RevokeChecksTheEtag) {
  const v1::CreateApiKeyResponse key = MustCreateKey(kLeeds, ROLE_PRACTICE);
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(key.api_key().name());
  revoke.set_etag("stale-etag");
  ExpectCode(registry_->RevokeApiKey(revoke, kOperators).status(), absl::StatusCode::kAborted,
             "stale etag");
  EXPECT_TRUE(registry_->Authenticate(key.secret()).ok());

  revoke.set_etag(key.api_key().etag());
  absl::StatusOr<v1::ApiKey> revoked = registry_->RevokeApiKey(revoke, kOperators);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->state(), v1::API_KEY_STATE_REVOKED);
  // The etag changed, so the same request is now stale.
  ExpectCode(registry_->RevokeApiKey(revoke, kOperators).status(), absl::StatusCode::kAborted,
             "etag before the revocation");
}

TEST_F(KeyRegistryTest, RevokingTwiceSucceeds) {
  const v1::CreateApiKeyResponse key = MustCreateKey(kLeeds, ROLE_PRACTICE);
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(key.api_key().name());
  absl::StatusOr<v1::ApiKey> first = registry_->RevokeApiKey(revoke, kOperators);
  ASSERT_TRUE(first.ok()) << first.status();
  now_ += absl::Minutes(1);
  absl::StatusOr<v1::ApiKey> second = registry_->RevokeApiKey(revoke, kOperators);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->state(), v1::API_KEY_STATE_REVOKED);
  // The first revocation stands.
  EXPECT_EQ(FromTimestamp(second->revoke_time()), kStart);
  EXPECT_EQ(second->etag(), first->etag());

  // With a request id, a retry replays the first answer.
  const v1::CreateApiKeyResponse other = MustCreateKey(kLeeds, ROLE_PRACTICE);
  v1::RevokeApiKeyRequest with_id;
  with_id.set_name(other.api_key().name());
  with_id.set_etag(other.api_key().etag());
  with_id.set_request_id("revoke-1");
  absl::StatusOr<v1::ApiKey> once = registry_->RevokeApiKey(with_id, kOperators);
  ASSERT_TRUE(once.ok()) << once.status();
  absl::StatusOr<v1::ApiKey> retry = registry_->RevokeApiKey(with_id, kOperators);
  ASSERT_TRUE(retry.ok()) << retry.status();  // not ABORTED, though the etag moved on
  EXPECT_EQ(retry->SerializeAsString(), once->SerializeAsString());
}

TEST_F(KeyRegistryTest, RevokeValidatesTheName) {
  const v1::CreateApiKeyResponse key = MustCreateKey(kLeeds, ROLE_PRACTICE);
  const std::string id = key.api_key().name().substr(key.api_key().name().rfind('/') + 1);
  for (const std::string& name :
       {std::string(), std::string(kLeeds), absl::StrCat(kLeeds, "/apiKeys/"),
        absl::StrCat(kLeeds, "/apiKeys/Abc123"), absl::StrCat(kLeeds, "/keys/", id),
        absl::StrCat("hospitals/leeds-1/apiKeys/", id), absl::StrCat("practices/ab/apiKeys/", id),
        absl::StrCat("apiKeys/", id), absl::StrCat(key.api_key().name(), "/extra"),
        absl::StrCat(key.api_key().name(), " "),
        absl::StrCat(kLeeds, "/apiKeys/", std::string(64, 'a'))}) {
    v1::RevokeApiKeyRequest revoke;
    revoke.set_name(name);
    ExpectCode(registry_->RevokeApiKey(revoke, kOperators).status(),
               absl::StatusCode::kInvalidArgument, name);
  }
  v1::RevokeApiKeyRequest missing;
  missing.set_name(absl::StrCat(kLeeds, "/apiKeys/nosuchkey"));
  ExpectCode(registry_->RevokeApiKey(missing, kOperators).status(), absl::StatusCode::kNotFound,
             "no such key");
  // The key itself was never touched.
  EXPECT_TRUE(registry_->Authenticate(key.secret()).ok());
}

// --- ListApiKeys -----------------------------------------------------------------------------

TEST_F(KeyRegistryTest, ListApiKeysHidesInactiveKeysUnlessAsked) {
  const v1::CreateApiKeyResponse active = MustCreateKey(kLeeds, ROLE_PRACTICE, absl::Hours(48));
  const v1::CreateApiKeyResponse revoked = MustCreateKey(kLeeds, ROLE_PRACTICE);
  const v1::CreateApiKeyResponse expiring = MustCreateKey(kLeeds, ROLE_PRACTICE, absl::Hours(1));
  MustCreateKey(kHope, ROLE_CHARITY);  // another organisation's
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(revoked.api_key().name());
  ASSERT_TRUE(registry_->RevokeApiKey(revoke, kOperators).ok());
  now_ += absl::Hours(2);

  std::vector<v1::ApiKey> shown = ListAllKeys(kLeeds, false, 10);
  ASSERT_EQ(shown.size(), 1u);
  EXPECT_EQ(shown[0].name(), active.api_key().name());
  EXPECT_EQ(shown[0].state(), v1::API_KEY_STATE_ACTIVE);

  std::vector<v1::ApiKey> all = ListAllKeys(kLeeds, true, 10);
  ASSERT_EQ(all.size(), 3u);
  std::map<std::string, v1::ApiKeyState> states;
  for (const v1::ApiKey& key : all) {
    states[key.name()] = key.state();
    EXPECT_EQ(key.key_prefix().size(), 8u);
  }
  EXPECT_EQ(states[active.api_key().name()], v1::API_KEY_STATE_ACTIVE);
  EXPECT_EQ(states[revoked.api_key().name()], v1::API_KEY_STATE_REVOKED);
  EXPECT_EQ(states[expiring.api_key().name()], v1::API_KEY_STATE_EXPIRED);

  // A page of only inactive keys still leads on to the active ones.
  std::vector<v1::ApiKey> small_pages = ListAllKeys(kLeeds, false, 1);
  ASSERT_EQ(small_pages.size(), 1u);
  EXPECT_EQ(small_pages[0].name(), active.api_key().name());

  v1::ListApiKeysRequest bad;
  bad.set_parent("practices/Leeds");
  ExpectCode(registry_->ListApiKeys(bad).status(), absl::StatusCode::kInvalidArgument, "parent");
}

TEST_F(KeyRegistryTest, ListApiKeysPages) {
  std::set<std::string> created;
  for (int i = 0; i < 7; ++i) created.insert(MustCreateKey(kLeeds, ROLE_PRACTICE).api_key().name());
  int pages = 0;
  std::vector<v1::ApiKey> keys = ListAllKeys(kLeeds, false, 3, &pages);
  std::set<std::string> seen;
  for (const v1::ApiKey& key : keys) EXPECT_TRUE(seen.insert(key.name()).second) << key.name();
  EXPECT_EQ(seen, created);
  EXPECT_EQ(pages, 3);

  // A token is bound to its list: not valid with show_inactive flipped, or another parent.
  v1::ListApiKeysRequest request;
  request.set_parent(kLeeds);
  request.set_page_size(3);
  absl::StatusOr<v1::ListApiKeysResponse> first = registry_->ListApiKeys(request);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_page_token().empty());
  request.set_page_token(first->next_page_token());
  request.set_show_inactive(true);
  ExpectCode(registry_->ListApiKeys(request).status(), absl::StatusCode::kInvalidArgument,
             "token with show_inactive flipped");
  request.set_show_inactive(false);
  request.set_parent(kHope);
  ExpectCode(registry_->ListApiKeys(request).status(), absl::StatusCode::kInvalidArgument,
             "token of another parent");
}

TEST_F(KeyRegistryTest, ListApiKeysEndsWithoutAnEmptyPage) {
  for (int i = 0; i < 4; ++i) MustCreateKey(kLeeds, ROLE_PRACTICE);
  v1::ListApiKeysRequest request;
  request.set_parent(kLeeds);
  request.set_page_size(2);
  absl::StatusOr<v1::ListApiKeysResponse> first = registry_->ListApiKeys(request);
  ASSERT_TRUE(first.ok());
  request.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListApiKeysResponse> second = registry_->ListApiKeys(request);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->api_keys_size(), 2);
  // The collection is exhausted, so no token leads to an empty third page.
  EXPECT_EQ(second->next_page_token(), "");
}

TEST_F(KeyRegistryTest, ListApiKeysShowsLastUseTime) {
  const v1::CreateApiKeyResponse used = MustCreateKey(kLeeds, ROLE_PRACTICE);
  const v1::CreateApiKeyResponse unused = MustCreateKey(kLeeds, ROLE_PRACTICE);
  for (const v1::ApiKey& key : ListAllKeys(kLeeds, false, 10)) {
    EXPECT_FALSE(key.has_last_use_time()) << key.name();
  }
  now_ += absl::Minutes(10);
  ASSERT_TRUE(registry_->Authenticate(used.secret()).ok());
  std::map<std::string, v1::ApiKey> by_name;
  for (const v1::ApiKey& key : ListAllKeys(kLeeds, false, 10)) by_name[key.name()] = key;
  ASSERT_TRUE(by_name[used.api_key().name()].has_last_use_time());
  EXPECT_EQ(FromTimestamp(by_name[used.api_key().name()].last_use_time()),
            kStart + absl::Minutes(10));
  EXPECT_FALSE(by_name[unused.api_key().name()].has_last_use_time());

  // Later uses move it on (it is written at most once a minute).
  now_ += absl::Minutes(5);
  ASSERT_TRUE(registry_->Authenticate(used.secret()).ok());
  by_name.clear();
  for (const v1::ApiKey& key : ListAllKeys(kLeeds, false, 10)) by_name[key.name()] = key;
  EXPECT_EQ(FromTimestamp(by_name[used.api_key().name()].last_use_time()),
            kStart + absl::Minutes(15));
}

// --- EnsureBootstrapKey ----------------------------------------------------------------------

TEST_F(KeyRegistryTest, EnsureBootstrapKeyCreatesTheOperatorOrganisationAndKeyOnce) {
  const std::string secret = "bootstrapsecret0123456789abcdefghijklmnopq";
  absl::StatusOr<v1::ApiKey> key = registry_->EnsureBootstrapKey(kOperators, secret);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_THAT(key->name(), StartsWith(absl::StrCat(kOperators, "/apiKeys/")));
  EXPECT_EQ(key->role(), ROLE_ADMIN);
  EXPECT_EQ(key->state(), v1::API_KEY_STATE_ACTIVE);
  EXPECT_EQ(key->key_prefix(), secret.substr(0, 8));
  EXPECT_GT(FromTimestamp(key->expire_time()), kStart);

  absl::StatusOr<v1::Organization> org = registry_->GetOrganization(kOperators);
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->role(), ROLE_ADMIN);

  absl::StatusOr<Caller> caller = registry_->Authenticate(secret);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->principal.organization, kOperators);
  EXPECT_EQ(caller->principal.role, ROLE_ADMIN);
  EXPECT_EQ(caller->credential_name, key->name());

  // Again (a restart): the same key, no second one.
  now_ += absl::Hours(1);
  absl::StatusOr<v1::ApiKey> again = registry_->EnsureBootstrapKey(kOperators, secret);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->name(), key->name());
  EXPECT_EQ(ListAllKeys(kOperators, true, 10).size(), 1u);

  // A second secret for an organisation that already exists is a second key.
  absl::StatusOr<v1::ApiKey> second =
      registry_->EnsureBootstrapKey(kOperators, std::string(32, '7'));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(second->name(), key->name());
  EXPECT_EQ(ListAllKeys(kOperators, true, 10).size(), 2u);
}

TEST_F(KeyRegistryTest, EnsureBootstrapKeyRefusesOtherOrganisationsAndShortSecrets) {
  const std::string secret(40, 's');
  for (const std::string org : {"practices/leeds-1", "charities/hope", "services/sync", "operators",
                                "operators/Root", "hospitals/root", ""}) {
    ExpectCode(registry_->EnsureBootstrapKey(org, secret).status(),
               absl::StatusCode::kInvalidArgument, org);
  }
  ExpectCode(registry_->EnsureBootstrapKey(kOperators, std::string(31, 's')).status(),
             absl::StatusCode::kInvalidArgument, "31 characters");
  ExpectCode(registry_->EnsureBootstrapKey(kOperators, "").status(),
             absl::StatusCode::kInvalidArgument, "empty");
  ExpectCode(registry_->EnsureBootstrapKey(kOperators, std::string(257, 's')).status(),
             absl::StatusCode::kInvalidArgument, "257 characters");
  // Nothing was created.
  EXPECT_TRUE(absl::IsNotFound(registry_->GetOrganization(kOperators).status()));
  absl::StatusOr<v1::ListOrganizationsResponse> all =
      registry_->ListOrganizations(v1::ListOrganizationsRequest());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->organizations_size(), 0);
  // The bounds themselves are fine.
  EXPECT_TRUE(registry_->EnsureBootstrapKey(kOperators, std::string(32, 'a')).ok());
  EXPECT_TRUE(registry_->EnsureBootstrapKey(kOperators, std::string(256, 'b')).ok());
}

TEST_F(KeyRegistryTest, EnsureBootstrapKeyRefusesARevokedKey) {
  const std::string secret(40, 'r');
  absl::StatusOr<v1::ApiKey> key = registry_->EnsureBootstrapKey(kOperators, secret);
  ASSERT_TRUE(key.ok());
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(key->name());
  ASSERT_TRUE(registry_->RevokeApiKey(revoke, kOperators).ok());
  ExpectCode(registry_->EnsureBootstrapKey(kOperators, secret).status(),
             absl::StatusCode::kFailedPrecondition, "revoked bootstrap key");
  ExpectCode(registry_->Authenticate(secret).status(), absl::StatusCode::kUnauthenticated,
             "revoked bootstrap key");
}

}  // namespace
}  // namespace bridging::gateway
