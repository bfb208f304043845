// One multi-key change applied in a single Lua step: preconditions on current values, the
// writes, an outbox event stamped with the next store-wide sequence number, and the
// idempotency record of the client's request_id. Either all of it happens or none of it.
//
//   AtomicWrite w;
//   w.ExpectValue(status_key, old_bytes).Set(status_key, new_bytes)
//    .AppendWithSequence(history_key, entry_bytes)
//    .Outbox("consent:outbox", "consent.given", record_name, record_bytes)
//    .Idempotent(request_key, fingerprint, response_bytes);
//   ASSIGN_OR_RETURN(AtomicWriteResult r, Commit(store, "consent:sequence", w));
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/store/store.h"

namespace bridging::store {

class AtomicWrite {
 public:
  // Precondition: the key holds exactly `value` (an absent key reads as "").
  AtomicWrite& ExpectValue(const std::string& key, std::string value);
  // Precondition: the key does not exist.
  AtomicWrite& ExpectAbsent(const std::string& key);

  AtomicWrite& Set(const std::string& key, std::string value);
  AtomicWrite& Delete(const std::string& key);
  AtomicWrite& ZAdd(const std::string& key, double score, std::string member);
  AtomicWrite& ZRem(const std::string& key, std::string member);
  // RPUSH "<sequence>:<value>" (see SplitSequenced).
  AtomicWrite& AppendWithSequence(const std::string& key, std::string value);
  // XADD stream * seq <sequence> kind <kind> subject <subject> payload <payload>.
  AtomicWrite& Outbox(const std::string& stream, std::string kind, std::string subject,
                      std::string payload);
  // Records `response` under `key` for `ttl_seconds`; a later write with the same key and
  // fingerprint is answered with the stored response instead of being applied again.
  AtomicWrite& Idempotent(const std::string& key, std::string fingerprint, std::string response,
                          int64_t ttl_seconds = 7 * 24 * 3600);

  bool empty() const { return ops_.empty(); }

 private:
  friend absl::StatusOr<struct AtomicWriteResult> Commit(Store&, const std::string&,
                                                         const AtomicWrite&);
  int KeyIndex(const std::string& key);

  std::vector<std::string> keys_;
  std::vector<std::string> ops_;
  int idempotency_key_ = 0;
  std::string fingerprint_;
  std::string response_;
  int64_t ttl_seconds_ = 0;
};

struct AtomicWriteResult {
  enum class Outcome {
    kApplied,   // the write happened
    kReplayed,  // the request_id was seen before with the same request; nothing written
    kConflict,  // a precondition failed (see conflict_key); nothing written
    kMismatch,  // the request_id was used before for a different request; nothing written
  };
  Outcome outcome = Outcome::kApplied;
  // The sequence number of the change (applied or replayed), 0 if none was assigned.
  int64_t sequence = 0;
  // The stored response of a replayed request.
  std::string response;
  // The key whose precondition failed.
  std::string conflict_key;
};

// Commits `write`; `sequence_key` is the counter INCRemented once if the write applies (empty
// for none). Store failures come back as their status (UNAVAILABLE when Redis is down).
absl::StatusOr<AtomicWriteResult> Commit(Store& store, const std::string& sequence_key,
                                         const AtomicWrite& write);

// Splits an element written by AppendWithSequence into its sequence and value.
bool SplitSequenced(absl::string_view element, int64_t* sequence, absl::string_view* value);

}  // namespace bridging::store
