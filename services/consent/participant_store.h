// The consent service's view of its Redis: key names, reads of a participant's state and
// history, and committing an AtomicWrite with retry on concurrent change. Every write of
// the service goes through Commit so state, history and outbox change together.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bridging/consent/v1/consent.pb.h"
#include "libs/store/atomic_write.h"
#include "libs/store/store.h"

namespace bridging::consent {

// Redis keys: consent:<collection>:<id>.
namespace keys {
inline constexpr char kSequence[] = "consent:sequence";
inline constexpr char kOutbox[] = "consent:outbox";
inline constexpr char kPrefix[] = "consent";
std::string Participant(const std::string& name);
std::string ParticipantIndex(const std::string& charity);
// The charity reference is hashed so it never appears in a key name.
std::string Reference(const std::string& charity, const std::string& reference);
std::string Status(const std::string& participant);
std::string History(const std::string& participant);
std::string Record(const std::string& record);
std::string Withdrawal(const std::string& receipt);
std::string Review(const std::string& charity);
std::string Contribution(const std::string& contribution);
std::string ContributionIndex(const std::string& participant);
// Changes whenever a contribution is added, so a withdrawal that read the index can tell.
std::string ContributionVersion(const std::string& participant);
}  // namespace keys

// A participant's consent state as read for a change: the stored bytes are the
// precondition of the write, so a concurrent change makes it retry.
struct ParticipantState {
  std::string status_bytes;
  v1::ConsentStatus status;
  v1::ConsentHistoryEntry head;  // the last history entry
  std::string contributions_version;
};

using Clock = std::function<absl::Time()>;

class ParticipantStore {
 public:
  explicit ParticipantStore(store::Store& store) : store_(store) {}

  store::Store& raw() { return store_; }

  // NOT_FOUND if the participant does not exist.
  absl::StatusOr<ParticipantState> ReadState(const std::string& participant);

  // Entries [start, start + count) of the participant's history (count < 0: to the end).
  absl::StatusOr<std::vector<v1::ConsentHistoryEntry>> ReadHistory(const std::string& participant,
                                                                   int64_t start, int64_t count);

  // GETs each key and parses it as T; missing keys are skipped.
  template <typename T>
  absl::StatusOr<std::vector<T>> ReadAll(const std::vector<std::string>& keys);

  // GET + parse one key; NOT_FOUND(`resource`) if missing.
  template <typename T>
  absl::StatusOr<T> ReadOne(const std::string& key, const std::string& resource);

  // The current consent sequence (the watermark).
  absl::StatusOr<int64_t> ReadSequence();

  // Commits `write`. Returns nullopt on a precondition conflict (the caller re-reads and
  // retries), the stored response on a replay, INVALID_ARGUMENT for a reused request_id.
  struct Committed {
    int64_t sequence = 0;
    bool replayed = false;
    std::string response;  // only when replayed
    std::string conflict_key;
  };
  absl::StatusOr<Committed> Commit(const store::AtomicWrite& write);

  // Looks up the idempotency record under `key` before any state is read, so a retry gets
  // the first answer even when the state has moved on (a second withdrawal of the same
  // purposes would otherwise be refused). Empty `key`: nullopt. A record with another
  // fingerprint: INVALID_ARGUMENT naming request_id.
  absl::StatusOr<std::optional<Committed>> FindReplay(const std::string& key,
                                                      const std::string& fingerprint);

 private:
  absl::StatusOr<std::vector<std::optional<std::string>>> GetMany(
      const std::vector<std::string>& keys);

  store::Store& store_;
};

// Runs `attempt` until it commits (returns a value) or fails; a nullopt result means a
// concurrent change won the race and the attempt is re-run on fresh state.
template <typename T>
absl::StatusOr<T> RetryOnConflict(
    const std::function<absl::StatusOr<std::optional<T>>()>& attempt) {
  constexpr int kMaxAttempts = 16;
  for (int i = 0; i < kMaxAttempts; ++i) {
    absl::StatusOr<std::optional<T>> result = attempt();
    if (!result.ok()) return result.status();
    if (result->has_value()) return std::move(**result);
  }
  return absl::AbortedError("the participant is changing too quickly; retry the request");
}

// Parses a stored response (of a replay) as T.
template <typename T>
absl::StatusOr<T> ParseStored(const std::string& bytes) {
  T message;
  if (!message.ParseFromString(bytes)) return absl::DataLossError("stored response is corrupt");
  return message;
}

template <typename T>
absl::StatusOr<std::vector<T>> ParticipantStore::ReadAll(const std::vector<std::string>& keys) {
  auto values = GetMany(keys);
  if (!values.ok()) return values.status();
  std::vector<T> out;
  out.reserve(values->size());
  for (const auto& value : *values) {
    if (!value.has_value()) continue;
    T message;
    if (!message.ParseFromString(*value)) return absl::DataLossError("stored record is corrupt");
    out.push_back(std::move(message));
  }
  return out;
}

template <typename T>
absl::StatusOr<T> ParticipantStore::ReadOne(const std::string& key, const std::string& resource) {
  auto values = GetMany({key});
  if (!values.ok()) return values.status();
  if (!(*values)[0].has_value()) return absl::NotFoundError(resource + " not found");
  T message;
  if (!message.ParseFromString(*(*values)[0])) {
    return absl::DataLossError("stored record is corrupt");
  }
  return message;
}

}  // namespace bridging::consent
