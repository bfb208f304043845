// Organisations and their API keys, kept in the gateway's own Redis: a key's secret is
// random, returned once, and stored only as its SHA-256; keys are revocable and expire.
// Authenticate() turns a presented secret into the Caller, with a short in-memory cache so
// most calls never touch Redis (a revocation through this gateway clears it at once).
#pragma once

#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bridging/gateway/v1/admin.pb.h"
#include "libs/store/committer.h"
#include "libs/store/store.h"
#include "services/gateway/caller.h"

namespace bridging::gateway {

class KeyRegistry {
 public:
  using Clock = std::function<absl::Time()>;

  // `cache_ttl` bounds how long another gateway replica may still accept a key revoked
  // elsewhere; zero disables the cache.
  KeyRegistry(store::Store& store, Clock clock, absl::Duration cache_ttl = absl::Seconds(1));

  absl::StatusOr<v1::Organization> CreateOrganization(const v1::CreateOrganizationRequest& request,
                                                      absl::string_view caller_organization);
  absl::StatusOr<v1::Organization> GetOrganization(absl::string_view name);
  absl::StatusOr<v1::ListOrganizationsResponse> ListOrganizations(
      const v1::ListOrganizationsRequest& request);

  absl::StatusOr<v1::CreateApiKeyResponse> CreateApiKey(const v1::CreateApiKeyRequest& request,
                                                        absl::string_view caller_organization);
  absl::StatusOr<v1::ListApiKeysResponse> ListApiKeys(const v1::ListApiKeysRequest& request);
  absl::StatusOr<v1::ApiKey> RevokeApiKey(const v1::RevokeApiKeyRequest& request,
                                          absl::string_view caller_organization);

  // The caller a bearer secret stands for; UNAUTHENTICATED if it is unknown, revoked or
  // expired (the message never says which secret), UNAVAILABLE if the store is down and the
  // secret is not cached.
  absl::StatusOr<Caller> Authenticate(absl::string_view secret);

  // Makes sure `secret` is an active key of the operator organisation `organization`
  // (created if needed), so a fresh deployment has a first admin credential. Returns the key.
  absl::StatusOr<v1::ApiKey> EnsureBootstrapKey(absl::string_view organization,
                                                absl::string_view secret);

 private:
  struct CachedKey {
    Caller caller;
    absl::Time fetched;
  };

  absl::StatusOr<v1::ApiKey> ReadKey(const std::string& name);
  v1::ApiKey Present(v1::ApiKey key, absl::Time now) const;
  absl::StatusOr<v1::ApiKey> StoreNewKey(const std::string& parent, v1::ApiKey key,
                                         absl::string_view secret, const std::string& request_key,
                                         const std::string& fingerprint);
  void NoteUse(const std::string& key_name, absl::Time now);
  void ForgetCached(const std::string& key_name);

  store::Store& store_;
  store::Committer committer_;
  Clock clock_;
  const absl::Duration cache_ttl_;

  absl::Mutex mu_;
  // SHA-256 of the secret -> what it authenticated as.
  absl::flat_hash_map<std::string, CachedKey> cache_ ABSL_GUARDED_BY(mu_);
  // Key name -> when its last_use_time was last written.
  absl::flat_hash_map<std::string, absl::Time> last_use_written_ ABSL_GUARDED_BY(mu_);
};

}  // namespace bridging::gateway
