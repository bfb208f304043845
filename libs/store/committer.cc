// Implements the Committer: commit outcome mapping and replay lookup.
#include "libs/store/committer.h"

#include <algorithm>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/time/clock.h"

namespace bridging::store {
namespace {

absl::Status ReusedRequestId() {
  return absl::InvalidArgumentError("request_id: was already used for a different request");
}

}  // namespace

absl::StatusOr<Committer::Committed> Committer::Commit(const AtomicWrite& write) {
  absl::StatusOr<AtomicWriteResult> result = store::Commit(store_, sequence_key_, write);
  if (!result.ok()) return result.status();
  Committed committed;
  committed.sequence = result->sequence;
  switch (result->outcome) {
    case AtomicWriteResult::Outcome::kApplied:
      return committed;
    case AtomicWriteResult::Outcome::kReplayed:
      committed.replayed = true;
      committed.response = std::move(result->response);
      return committed;
    case AtomicWriteResult::Outcome::kMismatch:
      return ReusedRequestId();
    case AtomicWriteResult::Outcome::kConflict:
      committed.conflict_key = std::move(result->conflict_key);
      return committed;
  }
  return absl::InternalError("unknown commit outcome");
}

absl::StatusOr<std::optional<Committer::Committed>> Committer::FindReplay(
    const std::string& key, const std::string& fingerprint) {
  if (key.empty()) return std::nullopt;
  // The record's layout is AtomicWrite::Idempotent's: fields fp, resp, seq.
  absl::StatusOr<Reply> reply = store_.Command({"HMGET", key, "fp", "resp", "seq"});
  if (!reply.ok()) return reply.status();
  if (reply->elements.size() != 3 || reply->elements[0].is_nil()) return std::nullopt;
  if (reply->elements[0].str != fingerprint) return ReusedRequestId();
  Committed committed;
  committed.replayed = true;
  committed.response = reply->elements[1].str;
  if (!absl::SimpleAtoi(reply->elements[2].str, &committed.sequence)) committed.sequence = 0;
  return committed;
}

void BackOffAfterConflict(int attempt) {
  thread_local absl::BitGen random;
  const int64_t ceiling_us = int64_t{500} << std::min(attempt - 1, 6);
  absl::SleepFor(absl::Microseconds(absl::Uniform<int64_t>(random, 0, ceiling_us)));
}

}  // namespace bridging::store
