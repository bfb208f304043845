// Keyed pseudonyms: lowercase hex HMAC-SHA256(key, domain || 0x00 || identifier) under a
// versioned key. The newest key signs; every key in the ring still verifies, so pseudonyms
// made before a rotation can be checked and re-linked by the key holder, and by nobody else.
//
//   ASSIGN_OR_RETURN(KeyRing keys, KeyRing::LoadFile("/run/secrets/pseudonym.keys"));
//   Pseudonymizer p(std::move(keys));
//   ASSIGN_OR_RETURN(Pseudonym x, p.Pseudonymize("participant", "charities/c/participants/p"));
//   x.ToString();  // "k2.3f1a..." (key version, dot, 64 hex digits)
//
// Key material never appears in a status message, a log line or a debug string.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bridging::privacy {

// The keys, by version. A key file holds one "version:base64key" per line, e.g.
//   k1:3q2+7w...   (retired, still verifies)
//   k2:Zm9vYmFy... (newest: signs)
// Versions are "k" and a number from 1; the highest number is the newest. Keys are at least
// 32 bytes once decoded. Blank lines and lines starting with '#' are ignored.
class KeyRing {
 public:
  // INVALID_ARGUMENT naming the line (never its content) when a line is malformed, a version
  // repeats, a key is short, or there is no key.
  static absl::StatusOr<KeyRing> Parse(absl::string_view contents);
  // FAILED_PRECONDITION if the file cannot be read; otherwise as Parse.
  static absl::StatusOr<KeyRing> LoadFile(const std::string& path);

  KeyRing(KeyRing&&) = default;
  KeyRing& operator=(KeyRing&&) = default;
  ~KeyRing();

  const std::string& newest_version() const { return newest_; }
  std::vector<std::string> versions() const;

 private:
  friend class Pseudonymizer;
  KeyRing() = default;
  std::map<std::string, std::string> keys_;  // version -> key bytes
  std::string newest_;
};

struct Pseudonym {
  std::string key_version;  // e.g. "k2"
  std::string value;        // 64 lowercase hex digits

  // "<key_version>.<value>": self-describing, for storing pseudonyms across rotations.
  std::string ToString() const { return key_version + "." + value; }
  // INVALID_ARGUMENT unless `text` is "<version>.<64 hex digits>".
  static absl::StatusOr<Pseudonym> Parse(absl::string_view text);
};

class Pseudonymizer {
 public:
  explicit Pseudonymizer(KeyRing keys);
  ~Pseudonymizer();
  Pseudonymizer(const Pseudonymizer&) = delete;
  Pseudonymizer& operator=(const Pseudonymizer&) = delete;

  const std::string& newest_version() const;

  // INVALID_ARGUMENT "domain: ..." unless `domain` matches ^[a-z][a-z0-9_]{0,31}$;
  // INVALID_ARGUMENT "identifier: ..." if `identifier` is empty or over 256 bytes.
  absl::StatusOr<Pseudonym> Pseudonymize(absl::string_view domain,
                                         absl::string_view identifier) const;
  // The same under an older key (NOT_FOUND for an unknown version).
  absl::StatusOr<Pseudonym> PseudonymizeWithVersion(absl::string_view domain,
                                                    absl::string_view identifier,
                                                    absl::string_view version) const;
  // Whether `pseudonym` is the one `identifier` has in `domain` under its key version
  // (constant-time comparison). NOT_FOUND if that version is not in the ring.
  absl::StatusOr<bool> Verify(absl::string_view domain, absl::string_view identifier,
                              const Pseudonym& pseudonym) const;

  // Checks a domain / an identifier as Pseudonymize does; `field` names it in the error.
  static absl::Status CheckDomain(absl::string_view domain, absl::string_view field = "domain");
  static absl::Status CheckIdentifier(absl::string_view identifier,
                                      absl::string_view field = "identifier");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bridging::privacy
