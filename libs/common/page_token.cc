// Implements page tokens as base64url("v1" . scope-digest . cursor).
#include "libs/common/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/common/crypto.h"
#include "libs/common/errors.h"

namespace bridging {
namespace {

constexpr absl::string_view kVersion = "v1";
constexpr size_t kScopeDigestLen = 16;

std::string ScopeDigest(absl::string_view scope) {
  return Sha256Hex(scope).substr(0, kScopeDigestLen);
}

}  // namespace

std::string EncodePageToken(absl::string_view scope, absl::string_view cursor) {
  return absl::WebSafeBase64Escape(absl::StrCat(kVersion, ScopeDigest(scope), cursor));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view scope, absl::string_view token) {
  if (token.empty()) return std::string();
  if (token.size() > 2048) return InvalidField("page_token", "is too long");
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < kVersion.size() + kScopeDigestLen ||
      absl::string_view(raw).substr(0, kVersion.size()) != kVersion) {
    return InvalidField("page_token", "is not a token this service issued");
  }
  if (raw.substr(kVersion.size(), kScopeDigestLen) != ScopeDigest(scope)) {
    return InvalidField("page_token", "was issued for a different list or filter");
  }
  return raw.substr(kVersion.size() + kScopeDigestLen);
}

absl::StatusOr<int> ResolvePageSize(int requested, int default_size, int max_size) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return default_size;
  return requested > max_size ? max_size : requested;
}

}  // namespace bridging
