// Implements the canonical form, linking and verification of consent history chains.
#include "services/consent/consent_history.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/common/crypto.h"

namespace bridging::consent {

std::string CanonicalForm(const v1::ConsentHistoryEntry& entry) {
  std::string purposes;
  for (int i = 0; i < entry.purposes_size(); ++i) {
    absl::StrAppend(&purposes, i ? "," : "", v1::Purpose_Name(entry.purposes(i)));
  }
  return absl::StrCat("bridging.consent.history.v1\n", "index=", entry.index(), "\n",
                      "type=", v1::HistoryEventType_Name(entry.type()), "\n", "purposes=", purposes,
                      "\n", "method=", v1::ConsentMethod_Name(entry.method()), "\n",
                      "recorded_by_role=", absl::CEscape(entry.recorded_by_role()), "\n",
                      "event_time=", entry.event_time().seconds(), ".",
                      absl::StrFormat("%09d", entry.event_time().nanos()), "\n",
                      "subject=", absl::CEscape(entry.subject()), "\n",
                      "erasure_requested=", entry.erasure_requested() ? "1" : "0", "\n",
                      "previous_hash=", entry.previous_hash(), "\n");
}

std::string HashEntry(const v1::ConsentHistoryEntry& entry) {
  return Sha256Hex(CanonicalForm(entry));
}

void LinkEntry(const v1::ConsentHistoryEntry* previous, v1::ConsentHistoryEntry* entry) {
  entry->set_index(previous == nullptr ? 0 : previous->index() + 1);
  entry->set_previous_hash(previous == nullptr ? "" : previous->hash());
  entry->set_hash(HashEntry(*entry));
}

ChainVerification VerifyChain(const std::vector<v1::ConsentHistoryEntry>& entries) {
  ChainVerification result;
  std::string previous_hash;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& entry = entries[i];
    ++result.entries_checked;
    auto fail = [&](std::string problem) {
      result.valid = false;
      result.first_invalid_index = static_cast<int64_t>(i);
      result.problem = std::move(problem);
      return result;
    };
    if (entry.index() != static_cast<int64_t>(i)) {
      return fail(absl::StrCat("entry ", i, " carries index ", entry.index(),
                               ": an entry was removed or reordered"));
    }
    if (entry.previous_hash() != previous_hash) {
      return fail(absl::StrCat("entry ", i, " does not link to the entry before it"));
    }
    if (HashEntry(entry) != entry.hash()) {
      return fail(absl::StrCat("entry ", i, " was changed after it was written"));
    }
    previous_hash = entry.hash();
  }
  result.head_hash = previous_hash;
  return result;
}

}  // namespace bridging::consent
