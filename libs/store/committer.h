// The write path every service uses around AtomicWrite: look up a replayed request before
// reading any state, commit against the service's sequence counter, map outcomes
// (INVALID_ARGUMENT for a reused request_id), and retry when a concurrent change won.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "libs/store/atomic_write.h"
#include "libs/store/store.h"

namespace bridging::store {

class Committer {
 public:
  // `sequence_key` is the service's change counter, e.g. "consent:sequence".
  Committer(Store& store, std::string sequence_key)
      : store_(store), sequence_key_(std::move(sequence_key)) {}

  struct Committed {
    int64_t sequence = 0;
    bool replayed = false;
    std::string response;      // the stored response, when replayed
    std::string conflict_key;  // non-empty when a precondition failed: re-read and retry
  };

  // Commits `write`. A reused request_id with a different request: INVALID_ARGUMENT.
  absl::StatusOr<Committed> Commit(const AtomicWrite& write);

  // The idempotency record under `key`, looked up before any state is read, so a retry gets
  // the first answer even when the state has moved on. Empty `key`: nullopt. A record with
  // another fingerprint: INVALID_ARGUMENT naming request_id.
  absl::StatusOr<std::optional<Committed>> FindReplay(const std::string& key,
                                                      const std::string& fingerprint);

 private:
  Store& store_;
  std::string sequence_key_;
};

// Sleeps a random time before re-running attempt `attempt` (1, 2, ...) that a concurrent change
// won: up to 0.5 ms, doubling to at most 32 ms. Without it the loser re-reads at once and can
// lose every time to a steady stream of small writes (a withdrawal racing contributions).
void BackOffAfterConflict(int attempt);

// Runs `attempt` until it returns a value or an error; nullopt means a concurrent change won
// the race, and the attempt re-runs on fresh state after a short random pause (bounded, then
// ABORTED).
template <typename T>
absl::StatusOr<T> RetryOnConflict(
    const std::function<absl::StatusOr<std::optional<T>>()>& attempt) {
  constexpr int kMaxAttempts = 16;
  for (int i = 0; i < kMaxAttempts; ++i) {
    if (i > 0) BackOffAfterConflict(i);
    absl::StatusOr<std::optional<T>> result = attempt();
    if (!result.ok()) return result.status();
    if (result->has_value()) return std::move(**result);
  }
  return absl::AbortedError("the resource is changing too quickly; retry the request");
}

}  // namespace bridging::store
