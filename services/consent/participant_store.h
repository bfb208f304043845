// The consent service's view of its Redis: key names and reads of a participant's state
// and history. Writes go through store::Committer so state, history and outbox change
// together.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bridging/consent/v1/consent.pb.h"
#include "libs/store/atomic_write.h"
#include "libs/store/committer.h"
#include "libs/store/proto_reads.h"
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

// Kinds of consent:outbox entries; the payload of each is named beside it. The analytics
// translator (analytics_translator.h) reads them.
namespace kinds {
inline constexpr char kParticipantCreated[] = "participant.created";        // ConsentHistoryEntry
inline constexpr char kConsentGiven[] = "consent.given";                    // ConsentHistoryEntry
inline constexpr char kConsentWithdrawn[] = "consent.withdrawn";            // WithdrawalReceipt
inline constexpr char kContributionSubmitted[] = "contribution.submitted";  // Contribution
inline constexpr char kContributionRetracted[] = "contribution.retracted";  // Contribution
inline constexpr char kQuoteApproved[] = "quote.approved";                  // Contribution
}  // namespace kinds

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

  // Entries [start, start + count) of the participant's history (count < 0: to the end),
  // each with its sequence number; an unparseable entry comes back with index -1 so
  // verification reports it rather than skipping it.
  absl::StatusOr<std::vector<v1::ConsentHistoryEntry>> ReadHistory(const std::string& participant,
                                                                   int64_t start, int64_t count);

  // The current consent sequence (the watermark).
  absl::StatusOr<int64_t> ReadSequence();

 private:
  store::Store& store_;
};

}  // namespace bridging::consent
