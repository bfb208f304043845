// The participant's hash-chained consent history: the canonical form each entry is hashed
// over, and verification of a whole chain (anyone holding the entries can re-run it).
#pragma once

#include <string>
#include <vector>

#include "bridging/consent/v1/consent.pb.h"

namespace bridging::consent {

// The exact bytes an entry's hash covers: a versioned line-per-field text form of every
// field except `hash` and `sequence` (see docs/consent-history.md).
std::string CanonicalForm(const v1::ConsentHistoryEntry& entry);

// Hex SHA-256 of CanonicalForm(entry) (which includes previous_hash).
std::string HashEntry(const v1::ConsentHistoryEntry& entry);

// Fills index, previous_hash and hash of `entry` so that it follows `previous`
// (nullptr for the first entry).
void LinkEntry(const v1::ConsentHistoryEntry* previous, v1::ConsentHistoryEntry* entry);

struct ChainVerification {
  bool valid = true;
  int64_t entries_checked = 0;
  int64_t first_invalid_index = -1;
  std::string problem;
  std::string head_hash;
};

// Checks indexes are 0..n-1, every previous_hash links to the entry before, and every hash
// matches its entry.
ChainVerification VerifyChain(const std::vector<v1::ConsentHistoryEntry>& entries);

}  // namespace bridging::consent
