// Implements organisations, API keys and secret authentication over the gateway's Redis.
#include "services/gateway/key_registry.h"

#include <algorithm>
#include <regex>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "libs/common/crypto.h"
#include "libs/common/errors.h"
#include "libs/common/idempotency.h"
#include "libs/common/page_token.h"
#include "libs/common/proto_time.h"
#include "libs/common/resource_name.h"
#include "libs/common/status_macros.h"
#include "libs/store/atomic_write.h"
#include "libs/store/proto_reads.h"
#include "services/gateway/org_roles.h"

namespace bridging::gateway {
namespace {

namespace keys {
constexpr char kSequence[] = "gateway:sequence";
constexpr char kOrgIndex[] = "gateway:org_index";
std::string Org(absl::string_view name) { return absl::StrCat("gateway:org:", name); }
std::string OrgKeys(absl::string_view org) { return absl::StrCat("gateway:org_keys:", org); }
std::string Key(absl::string_view name) { return absl::StrCat("gateway:key:", name); }
std::string KeyHash(absl::string_view hash) { return absl::StrCat("gateway:key_hash:", hash); }
std::string KeyUsed(absl::string_view name) { return absl::StrCat("gateway:key_used:", name); }
}  // namespace keys

constexpr int kSecretLength = 48;
constexpr int kKeyIdLength = 12;
constexpr size_t kMaxSecretLength = 256;
constexpr size_t kMaxDisplayName = 200;
constexpr absl::Duration kMaxKeyLifetime = absl::Hours(24 * 366);
// last_use_time is approximate: written at most this often per key.
constexpr absl::Duration kLastUseResolution = absl::Minutes(1);

absl::Status ValidateOrganizationName(absl::string_view name, absl::string_view field) {
  static const std::regex kId("[a-z][a-z0-9-]{2,62}");
  const size_t slash = name.find('/');
  if (RoleOfOrganization(name) == common::v1::ROLE_UNSPECIFIED || slash == name.npos ||
      !std::regex_match(std::string(name.substr(slash + 1)), kId)) {
    return InvalidField(field,
                        "must be practices/, charities/, researchers/, operators/ or services/ "
                        "followed by an id matching [a-z][a-z0-9-]{2,62}");
  }
  return absl::OkStatus();
}

absl::Status ValidateDisplayName(absl::string_view value, absl::string_view field, bool required) {
  if (required && value.empty()) return InvalidField(field, "is required");
  if (value.size() > kMaxDisplayName) return InvalidField(field, "is longer than 200 characters");
  return absl::OkStatus();
}

std::string KeyIdOf(absl::string_view name) {
  return std::string(name.substr(name.rfind('/') + 1));
}

}  // namespace

KeyRegistry::KeyRegistry(store::Store& store, Clock clock, absl::Duration cache_ttl)
    : store_(store),
      committer_(store, keys::kSequence),
      clock_(std::move(clock)),
      cache_ttl_(cache_ttl) {}

absl::StatusOr<v1::Organization> KeyRegistry::CreateOrganization(
    const v1::CreateOrganizationRequest& request, absl::string_view caller_organization) {
  const v1::Organization& input = request.organization();
  RETURN_IF_ERROR(ValidateOrganizationName(input.name(), "organization.name"));
  RETURN_IF_ERROR(ValidateDisplayName(input.display_name(), "organization.display_name", true));
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const std::string request_key =
      IdempotencyKey("gateway", caller_organization, request.request_id());
  const std::string fingerprint = RequestFingerprint("CreateOrganization", request);
  ASSIGN_OR_RETURN(auto replay, committer_.FindReplay(request_key, fingerprint));
  if (replay.has_value()) return store::ParseStored<v1::Organization>(replay->response);

  v1::Organization organization;
  organization.set_name(input.name());
  organization.set_display_name(input.display_name());
  organization.set_role(RoleOfOrganization(input.name()));
  *organization.mutable_create_time() = ToTimestamp(clock_());
  organization.set_etag(RandomId(16));

  store::AtomicWrite write;
  write.ExpectAbsent(keys::Org(organization.name()))
      .Set(keys::Org(organization.name()), organization.SerializeAsString())
      .ZAdd(keys::kOrgIndex, 0, organization.name());
  if (!request_key.empty()) {
    write.Idempotent(request_key, fingerprint, organization.SerializeAsString());
  }
  ASSIGN_OR_RETURN(store::Committer::Committed committed, committer_.Commit(write));
  if (committed.replayed) return store::ParseStored<v1::Organization>(committed.response);
  if (!committed.conflict_key.empty()) {
    return absl::AlreadyExistsError(absl::StrCat(organization.name(), " already exists"));
  }
  return organization;
}

absl::StatusOr<v1::Organization> KeyRegistry::GetOrganization(absl::string_view name) {
  RETURN_IF_ERROR(ValidateOrganizationName(name, "name"));
  return store::GetProto<v1::Organization>(store_, keys::Org(name), std::string(name));
}

absl::StatusOr<v1::ListOrganizationsResponse> KeyRegistry::ListOrganizations(
    const v1::ListOrganizationsRequest& request) {
  ASSIGN_OR_RETURN(const int page_size, ResolvePageSize(request.page_size()));
  std::string prefix;
  switch (request.role()) {
    case common::v1::ROLE_UNSPECIFIED:
      break;
    case common::v1::ROLE_PRACTICE:
      prefix = "practices/";
      break;
    case common::v1::ROLE_CHARITY:
      prefix = "charities/";
      break;
    case common::v1::ROLE_RESEARCHER:
      prefix = "researchers/";
      break;
    case common::v1::ROLE_ADMIN:
      prefix = "operators/";
      break;
    case common::v1::ROLE_SERVICE:
      prefix = "services/";
      break;
    default:
      return InvalidField("role", "is not a known role");
  }
  const std::string scope = absl::StrCat("organizations:", prefix);
  ASSIGN_OR_RETURN(const std::string cursor, DecodePageToken(scope, request.page_token()));
  const std::string low = cursor.empty() ? absl::StrCat("[", prefix) : absl::StrCat("(", cursor);
  const std::string high = prefix.empty() ? "+" : absl::StrCat("[", prefix, "\xff");
  ASSIGN_OR_RETURN(store::Reply names, store_.Command({"ZRANGEBYLEX", keys::kOrgIndex, low, high,
                                                       "LIMIT", "0", absl::StrCat(page_size + 1)}));
  const bool more = static_cast<int>(names.elements.size()) > page_size;
  std::vector<std::string> org_keys;
  for (int i = 0; i < static_cast<int>(names.elements.size()) && i < page_size; ++i) {
    org_keys.push_back(keys::Org(names.elements[i].str));
  }
  ASSIGN_OR_RETURN(auto organizations, store::GetProtos<v1::Organization>(store_, org_keys));
  v1::ListOrganizationsResponse response;
  for (auto& organization : organizations) *response.add_organizations() = std::move(organization);
  if (more && response.organizations_size() > 0) {
    response.set_next_page_token(
        EncodePageToken(scope, response.organizations(response.organizations_size() - 1).name()));
  }
  return response;
}

v1::ApiKey KeyRegistry::Present(v1::ApiKey key, absl::Time now) const {
  if (key.state() == v1::API_KEY_STATE_ACTIVE && FromTimestamp(key.expire_time()) <= now) {
    key.set_state(v1::API_KEY_STATE_EXPIRED);
  }
  return key;
}

absl::StatusOr<v1::ApiKey> KeyRegistry::StoreNewKey(const std::string& parent, v1::ApiKey key,
                                                    absl::string_view secret,
                                                    const std::string& request_key,
                                                    const std::string& fingerprint) {
  const std::string id = KeyIdOf(key.name());
  const std::string hash_key = keys::KeyHash(Sha256Hex(secret));
  store::AtomicWrite write;
  write.ExpectAbsent(keys::Key(key.name()))
      .ExpectAbsent(hash_key)
      .Set(keys::Key(key.name()), key.SerializeAsString())
      .Set(hash_key, key.name())
      .ZAdd(keys::OrgKeys(parent), 0, id);
  // A replay answers with the key but never the secret: the secret is not kept.
  if (!request_key.empty()) write.Idempotent(request_key, fingerprint, key.SerializeAsString());
  ASSIGN_OR_RETURN(store::Committer::Committed committed, committer_.Commit(write));
  if (committed.replayed) return store::ParseStored<v1::ApiKey>(committed.response);
  if (!committed.conflict_key.empty()) return absl::AbortedError("key id collision; retry");
  return key;
}

absl::StatusOr<v1::CreateApiKeyResponse> KeyRegistry::CreateApiKey(
    const v1::CreateApiKeyRequest& request, absl::string_view caller_organization) {
  RETURN_IF_ERROR(ValidateOrganizationName(request.parent(), "parent"));
  const v1::ApiKey& input = request.api_key();
  RETURN_IF_ERROR(ValidateDisplayName(input.display_name(), "api_key.display_name", false));
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const std::string request_key =
      IdempotencyKey("gateway", caller_organization, request.request_id());
  const std::string fingerprint = RequestFingerprint("CreateApiKey", request);
  ASSIGN_OR_RETURN(auto replay, committer_.FindReplay(request_key, fingerprint));
  const absl::Time now = clock_();
  if (replay.has_value()) {
    ASSIGN_OR_RETURN(v1::ApiKey key, store::ParseStored<v1::ApiKey>(replay->response));
    v1::CreateApiKeyResponse response;
    *response.mutable_api_key() = Present(std::move(key), now);
    return response;
  }

  if (input.role() != RoleOfOrganization(request.parent())) {
    return InvalidField("api_key.role", "must be the role of the organisation");
  }
  if (!input.has_expire_time()) return InvalidField("api_key.expire_time", "is required");
  const absl::Time expire = FromTimestamp(input.expire_time());
  if (expire <= now) return InvalidField("api_key.expire_time", "must be in the future");
  if (expire > now + kMaxKeyLifetime) {
    return InvalidField("api_key.expire_time", "must be at most one year ahead");
  }
  ASSIGN_OR_RETURN(v1::Organization organization, GetOrganization(request.parent()));

  const std::string secret = RandomId(kSecretLength);
  v1::ApiKey key;
  key.set_name(absl::StrCat(organization.name(), "/apiKeys/", RandomId(kKeyIdLength)));
  key.set_display_name(input.display_name());
  key.set_role(input.role());
  *key.mutable_expire_time() = input.expire_time();
  key.set_state(v1::API_KEY_STATE_ACTIVE);
  key.set_key_prefix(secret.substr(0, 8));
  *key.mutable_create_time() = ToTimestamp(now);
  key.set_etag(RandomId(16));
  ASSIGN_OR_RETURN(v1::ApiKey stored,
                   StoreNewKey(organization.name(), key, secret, request_key, fingerprint));
  v1::CreateApiKeyResponse response;
  const bool fresh = stored.name() == key.name();
  *response.mutable_api_key() = Present(std::move(stored), now);
  if (fresh) response.set_secret(secret);
  return response;
}

absl::StatusOr<v1::ApiKey> KeyRegistry::ReadKey(const std::string& name) {
  return store::GetProto<v1::ApiKey>(store_, keys::Key(name), name);
}

absl::StatusOr<v1::ListApiKeysResponse> KeyRegistry::ListApiKeys(
    const v1::ListApiKeysRequest& request) {
  RETURN_IF_ERROR(ValidateOrganizationName(request.parent(), "parent"));
  ASSIGN_OR_RETURN(const int page_size, ResolvePageSize(request.page_size()));
  const std::string scope =
      absl::StrCat("apiKeys:", request.parent(), request.show_inactive() ? ":all" : ":active");
  ASSIGN_OR_RETURN(std::string cursor, DecodePageToken(scope, request.page_token()));
  const absl::Time now = clock_();
  v1::ListApiKeysResponse response;
  // Inactive keys are skipped when not wanted, so read in chunks until the page is full.
  for (int chunk = 0; chunk < 10 && response.api_keys_size() < page_size; ++chunk) {
    ASSIGN_OR_RETURN(store::Reply ids,
                     store_.Command({"ZRANGEBYLEX", keys::OrgKeys(request.parent()),
                                     cursor.empty() ? "-" : absl::StrCat("(", cursor), "+", "LIMIT",
                                     "0", absl::StrCat(page_size)}));
    if (ids.elements.empty()) return response;
    std::vector<std::vector<std::string>> reads;
    for (const auto& id : ids.elements) {
      const std::string name = absl::StrCat(request.parent(), "/apiKeys/", id.str);
      reads.push_back({"GET", keys::Key(name)});
      reads.push_back({"GET", keys::KeyUsed(name)});
    }
    ASSIGN_OR_RETURN(std::vector<store::Reply> replies, store_.Pipeline(reads));
    for (size_t i = 0; i < ids.elements.size(); ++i) {
      cursor = ids.elements[i].str;
      if (replies[2 * i].is_nil()) continue;
      ASSIGN_OR_RETURN(v1::ApiKey key, store::ParseStored<v1::ApiKey>(replies[2 * i].str));
      int64_t used = 0;
      if (!replies[2 * i + 1].is_nil() && absl::SimpleAtoi(replies[2 * i + 1].str, &used)) {
        *key.mutable_last_use_time() = ToTimestamp(absl::FromUnixSeconds(used));
      }
      key = Present(std::move(key), now);
      if (!request.show_inactive() && key.state() != v1::API_KEY_STATE_ACTIVE) continue;
      *response.add_api_keys() = std::move(key);
      if (response.api_keys_size() == page_size) break;
    }
    if (static_cast<int>(ids.elements.size()) < page_size && cursor == ids.elements.back().str) {
      return response;  // the index is exhausted
    }
  }
  // A page that filled exactly at the end of the index gets no token (no empty last page).
  ASSIGN_OR_RETURN(store::Reply rest,
                   store_.Command({"ZRANGEBYLEX", keys::OrgKeys(request.parent()),
                                   absl::StrCat("(", cursor), "+", "LIMIT", "0", "1"}));
  if (!rest.elements.empty()) response.set_next_page_token(EncodePageToken(scope, cursor));
  return response;
}

absl::StatusOr<v1::ApiKey> KeyRegistry::RevokeApiKey(const v1::RevokeApiKeyRequest& request,
                                                     absl::string_view caller_organization) {
  const size_t at = request.name().find("/apiKeys/");
  if (at == std::string::npos ||
      !ValidateOrganizationName(request.name().substr(0, at), "name").ok() ||
      !IsValidId(request.name().substr(at + 9))) {
    return InvalidField("name", "must be {organization}/apiKeys/{key}");
  }
  RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const std::string request_key =
      IdempotencyKey("gateway", caller_organization, request.request_id());
  const std::string fingerprint = RequestFingerprint("RevokeApiKey", request);
  ASSIGN_OR_RETURN(auto replay, committer_.FindReplay(request_key, fingerprint));
  if (replay.has_value()) return store::ParseStored<v1::ApiKey>(replay->response);

  return store::RetryOnConflict<v1::ApiKey>([&]() -> absl::StatusOr<std::optional<v1::ApiKey>> {
    ASSIGN_OR_RETURN(v1::ApiKey current, ReadKey(request.name()));
    if (!request.etag().empty() && request.etag() != current.etag()) {
      return StaleEtag(request.name());
    }
    const absl::Time now = clock_();
    if (current.state() == v1::API_KEY_STATE_REVOKED) {
      ForgetCached(request.name());
      return std::optional<v1::ApiKey>(Present(std::move(current), now));
    }
    v1::ApiKey revoked = current;
    revoked.set_state(v1::API_KEY_STATE_REVOKED);
    *revoked.mutable_revoke_time() = ToTimestamp(now);
    revoked.set_etag(RandomId(16));
    store::AtomicWrite write;
    write.ExpectValue(keys::Key(request.name()), current.SerializeAsString())
        .Set(keys::Key(request.name()), revoked.SerializeAsString());
    if (!request_key.empty())
      write.Idempotent(request_key, fingerprint, revoked.SerializeAsString());
    ASSIGN_OR_RETURN(store::Committer::Committed committed, committer_.Commit(write));
    ForgetCached(request.name());
    if (committed.replayed) return store::ParseStored<v1::ApiKey>(committed.response);
    if (!committed.conflict_key.empty()) return std::optional<v1::ApiKey>();
    return std::optional<v1::ApiKey>(Present(std::move(revoked), now));
  });
}

absl::StatusOr<Caller> KeyRegistry::Authenticate(absl::string_view secret) {
  if (secret.empty() || secret.size() > kMaxSecretLength) {
    return absl::UnauthenticatedError("malformed API key");
  }
  const std::string hash = Sha256Hex(secret);
  const absl::Time now = clock_();
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && now - it->second.fetched < cache_ttl_ &&
        it->second.caller.expire_time > now) {
      return it->second.caller;
    }
  }
  ASSIGN_OR_RETURN(store::Reply name, store_.Command({"GET", keys::KeyHash(hash)}));
  if (name.is_nil()) return absl::UnauthenticatedError("unknown API key");
  absl::StatusOr<v1::ApiKey> key = ReadKey(name.str);
  if (absl::IsNotFound(key.status())) return absl::UnauthenticatedError("unknown API key");
  if (!key.ok()) return key.status();
  const v1::ApiKey presented = Present(*key, now);
  if (presented.state() == v1::API_KEY_STATE_REVOKED) {
    return absl::UnauthenticatedError("API key revoked");
  }
  if (presented.state() != v1::API_KEY_STATE_ACTIVE) {
    return absl::UnauthenticatedError("API key expired");
  }
  Caller caller;
  caller.principal.organization = OwnerOf(presented.name());
  caller.principal.role = presented.role();
  caller.credential_type = v1::CREDENTIAL_TYPE_API_KEY;
  caller.credential_name = presented.name();
  caller.expire_time = FromTimestamp(presented.expire_time());
  if (cache_ttl_ > absl::ZeroDuration()) {
    absl::MutexLock lock(&mu_);
    // Bound the cache: keys are few, but a churn of created keys must not grow it forever.
    if (cache_.size() > 100000) cache_.clear();
    cache_[hash] = {caller, now};
  }
  NoteUse(presented.name(), now);
  return caller;
}

void KeyRegistry::NoteUse(const std::string& key_name, absl::Time now) {
  {
    absl::MutexLock lock(&mu_);
    absl::Time& written = last_use_written_[key_name];
    if (now - written < kLastUseResolution) return;
    written = now;
  }
  // Best effort: a lost write only makes last_use_time older.
  (void)store_.Command({"SET", keys::KeyUsed(key_name), absl::StrCat(absl::ToUnixSeconds(now))});
}

void KeyRegistry::ForgetCached(const std::string& key_name) {
  absl::MutexLock lock(&mu_);
  absl::erase_if(
      cache_, [&](const auto& entry) { return entry.second.caller.credential_name == key_name; });
}

absl::StatusOr<v1::ApiKey> KeyRegistry::EnsureBootstrapKey(absl::string_view organization,
                                                           absl::string_view secret) {
  if (RoleOfOrganization(organization) != common::v1::ROLE_ADMIN) {
    return InvalidField("bootstrap organisation", "must be operators/{id}");
  }
  // The same shape the authenticator accepts for API keys, so the key is usable.
  if (secret.size() < 32 || secret.size() > kMaxSecretLength ||
      !std::all_of(secret.begin(), secret.end(),
                   [](char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); })) {
    return InvalidField("bootstrap key", "must be 32-256 letters and digits");
  }
  ASSIGN_OR_RETURN(store::Reply existing,
                   store_.Command({"GET", keys::KeyHash(Sha256Hex(secret))}));
  if (!existing.is_nil()) {
    ASSIGN_OR_RETURN(v1::ApiKey key, ReadKey(existing.str));
    key = Present(std::move(key), clock_());
    if (key.state() == v1::API_KEY_STATE_ACTIVE) return key;
    return absl::FailedPreconditionError(
        "the bootstrap key was revoked or has expired; remove its file to issue a new one");
  }
  v1::CreateOrganizationRequest create;
  create.mutable_organization()->set_name(std::string(organization));
  create.mutable_organization()->set_display_name("Bridging operators");
  absl::StatusOr<v1::Organization> created = CreateOrganization(create, organization);
  if (!created.ok() && !absl::IsAlreadyExists(created.status())) return created.status();

  const absl::Time now = clock_();
  v1::ApiKey key;
  key.set_name(absl::StrCat(organization, "/apiKeys/", RandomId(kKeyIdLength)));
  key.set_display_name("bootstrap operator key");
  key.set_role(common::v1::ROLE_ADMIN);
  *key.mutable_expire_time() = ToTimestamp(now + absl::Hours(24 * 365));
  key.set_state(v1::API_KEY_STATE_ACTIVE);
  key.set_key_prefix(std::string(secret.substr(0, 8)));
  *key.mutable_create_time() = ToTimestamp(now);
  key.set_etag(RandomId(16));
  return StoreNewKey(std::string(organization), std::move(key), secret, "", "");
}

}  // namespace bridging::gateway
