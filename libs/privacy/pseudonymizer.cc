// Implements the key ring and HMAC-SHA256 pseudonyms with OpenSSL's EVP_MAC. Each key's MAC
// context is set up once and duplicated per pseudonym, which skips the key schedule.
#include "libs/privacy/pseudonymizer.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdint>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/common/crypto.h"
#include "libs/common/errors.h"

namespace bridging::privacy {
namespace {

constexpr size_t kMinKeyBytes = 32;
constexpr size_t kMaxIdentifierBytes = 256;

// The number of a version "k<N>", or 0 if it is not one.
int64_t VersionNumber(absl::string_view version) {
  if (version.size() < 2 || version.size() > 10 || version[0] != 'k' || version[1] == '0') {
    return 0;
  }
  int64_t n = 0;
  if (!absl::SimpleAtoi(version.substr(1), &n)) return 0;
  for (char c : version.substr(1)) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return 0;
  }
  return n;
}

void Cleanse(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

bool IsLowerHex(absl::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

// ---- KeyRing -------------------------------------------------------------------------------

absl::StatusOr<KeyRing> KeyRing::Parse(absl::string_view contents) {
  KeyRing ring;
  int64_t newest = 0;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = absl::StrCat("line ", line_number);
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) {
      return InvalidField("pseudonym_key_file", absl::StrCat(where, " is not version:base64key"));
    }
    const absl::string_view version = absl::StripAsciiWhitespace(line.substr(0, colon));
    const int64_t number = VersionNumber(version);
    if (number == 0) {
      return InvalidField("pseudonym_key_file",
                          absl::StrCat(where, ": the version must be k1, k2, ..."));
    }
    if (ring.keys_.count(std::string(version)) > 0) {
      return InvalidField("pseudonym_key_file",
                          absl::StrCat(where, ": version ", version, " appears twice"));
    }
    std::string key;
    if (!absl::Base64Unescape(absl::StripAsciiWhitespace(line.substr(colon + 1)), &key)) {
      return InvalidField("pseudonym_key_file",
                          absl::StrCat(where, ": the key of ", version, " is not base64"));
    }
    if (key.size() < kMinKeyBytes) {
      Cleanse(key);
      return InvalidField("pseudonym_key_file",
                          absl::StrCat(where, ": the key of ", version, " is shorter than ",
                                       kMinKeyBytes, " bytes"));
    }
    ring.keys_.emplace(std::string(version), std::move(key));
    if (number > newest) {
      newest = number;
      ring.newest_ = std::string(version);
    }
  }
  if (ring.keys_.empty()) return InvalidField("pseudonym_key_file", "holds no key");
  return ring;
}

absl::StatusOr<KeyRing> KeyRing::LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("pseudonym_key_file: cannot read \"", path, "\""));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string contents = buffer.str();
  absl::StatusOr<KeyRing> ring = Parse(contents);
  Cleanse(contents);
  return ring;
}

KeyRing::~KeyRing() {
  for (auto& [version, key] : keys_) Cleanse(key);
}

std::vector<std::string> KeyRing::versions() const {
  std::vector<std::string> out;
  for (const auto& [version, key] : keys_) out.push_back(version);
  return out;
}

// ---- Pseudonym -----------------------------------------------------------------------------

absl::StatusOr<Pseudonym> Pseudonym::Parse(absl::string_view text) {
  const size_t dot = text.find('.');
  if (dot == absl::string_view::npos || VersionNumber(text.substr(0, dot)) == 0 ||
      text.size() - dot - 1 != 64 || !IsLowerHex(text.substr(dot + 1))) {
    return InvalidField("pseudonym", "is not <version>.<64 hex digits>");
  }
  return Pseudonym{std::string(text.substr(0, dot)), std::string(text.substr(dot + 1))};
}

// ---- Pseudonymizer -------------------------------------------------------------------------

struct Pseudonymizer::Impl {
  std::string newest;
  std::map<std::string, EVP_MAC_CTX*, std::less<>> contexts;
  EVP_MAC* mac = nullptr;

  ~Impl() {
    for (auto& [version, ctx] : contexts) EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
  }

  std::string Compute(EVP_MAC_CTX* base, absl::string_view domain,
                      absl::string_view identifier) const {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(base);
    if (ctx == nullptr) std::abort();  // out of memory: nothing safe to return
    static const unsigned char kSeparator = 0;
    unsigned char digest[EVP_MAX_MD_SIZE];
    size_t length = 0;
    if (EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(domain.data()), domain.size()) !=
            1 ||
        EVP_MAC_update(ctx, &kSeparator, 1) != 1 ||
        EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(identifier.data()),
                       identifier.size()) != 1 ||
        EVP_MAC_final(ctx, digest, &length, sizeof(digest)) != 1) {
      std::abort();  // cannot happen with a set-up context; never return a wrong pseudonym
    }
    EVP_MAC_CTX_free(ctx);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(length * 2, '0');
    for (size_t i = 0; i < length; ++i) {
      out[2 * i] = kHex[digest[i] >> 4];
      out[2 * i + 1] = kHex[digest[i] & 0xf];
    }
    OPENSSL_cleanse(digest, sizeof(digest));
    return out;
  }
};

Pseudonymizer::Pseudonymizer(KeyRing keys) : impl_(std::make_unique<Impl>()) {
  impl_->newest = keys.newest_;
  impl_->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (impl_->mac == nullptr) std::abort();  // OpenSSL without HMAC: cannot run at all
  char digest_name[] = "SHA256";
  for (auto& [version, key] : keys.keys_) {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(impl_->mac);
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                           OSSL_PARAM_construct_end()};
    if (ctx == nullptr || EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()),
                                       key.size(), params) != 1) {
      std::abort();
    }
    impl_->contexts.emplace(version, ctx);
  }
}

Pseudonymizer::~Pseudonymizer() = default;

const std::string& Pseudonymizer::newest_version() const { return impl_->newest; }

absl::Status Pseudonymizer::CheckDomain(absl::string_view domain, absl::string_view field) {
  bool ok = !domain.empty() && domain.size() <= 32 && domain[0] >= 'a' && domain[0] <= 'z';
  for (char c : domain) {
    ok &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  }
  if (!ok) return InvalidField(field, "must match ^[a-z][a-z0-9_]{0,31}$");
  return absl::OkStatus();
}

absl::Status Pseudonymizer::CheckIdentifier(absl::string_view identifier, absl::string_view field) {
  if (identifier.empty()) return InvalidField(field, "is empty");
  if (identifier.size() > kMaxIdentifierBytes) {
    return InvalidField(field, absl::StrCat("is longer than ", kMaxIdentifierBytes, " bytes"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Pseudonym> Pseudonymizer::Pseudonymize(absl::string_view domain,
                                                      absl::string_view identifier) const {
  return PseudonymizeWithVersion(domain, identifier, impl_->newest);
}

absl::StatusOr<Pseudonym> Pseudonymizer::PseudonymizeWithVersion(absl::string_view domain,
                                                                 absl::string_view identifier,
                                                                 absl::string_view version) const {
  if (absl::Status s = CheckDomain(domain); !s.ok()) return s;
  if (absl::Status s = CheckIdentifier(identifier); !s.ok()) return s;
  auto it = impl_->contexts.find(version);
  if (it == impl_->contexts.end()) {
    return absl::NotFoundError(absl::StrCat("pseudonym key version ", version, " not found"));
  }
  return Pseudonym{it->first, impl_->Compute(it->second, domain, identifier)};
}

absl::StatusOr<bool> Pseudonymizer::Verify(absl::string_view domain, absl::string_view identifier,
                                           const Pseudonym& pseudonym) const {
  absl::StatusOr<Pseudonym> expected =
      PseudonymizeWithVersion(domain, identifier, pseudonym.key_version);
  if (!expected.ok()) return expected.status();
  return ConstantTimeEquals(expected->value, pseudonym.value);
}

}  // namespace bridging::privacy
