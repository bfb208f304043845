// Analytics' in-memory view of everything it has applied: participants' consent, counted
// contributions, actions and approved quotes, with one incremental cube per dataset. Redis
// is the durable copy (rows keyed as in keys:: below); the view is rebuilt from it at
// start-up and changed only by Apply, after the same change has been committed to Redis.
//
// Thread-safety: Apply and Load take the writer lock; readers hold ReaderLock(mutex()).
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "bridging/analytics/v1/analytics.pb.h"
#include "libs/store/store.h"
#include "services/analytics/analytics_records.pb.h"
#include "services/analytics/cube.h"

namespace bridging::analytics {

// Redis keys: analytics:<collection>:<id>.
namespace keys {
inline constexpr char kPrefix[] = "analytics";
std::string Applied(const std::string& source);
std::string Participant(const std::string& participant);
// Rows are keyed by the first 32 hex digits (128 bits) of their pseudonym.
std::string Contribution(const std::string& key);
std::string Action(const std::string& key);
std::string Usage(const std::string& participant);
std::string QueryLog(const std::string& team);
inline constexpr char kBudgetPrefix[] = "analytics:privacy_budget:";
}  // namespace keys

// Whether the record has the purpose in state GIVEN.
bool PurposeGiven(const internal::ParticipantRecord& record, consent::v1::Purpose purpose);

// The first 32 hex digits of a pseudonym: how analytics names its rows.
std::string RowKey(const std::string& pseudonym);

// A set of row changes, computed by ingest and committed to Redis before the view applies it.
struct ViewChanges {
  // By row key; nullopt deletes the row. Rows carry row keys in their pseudonym fields.
  std::map<std::string, std::optional<v1::ContributionEvent>> contributions;
  std::map<std::string, v1::ActionEvent> actions;
  // By participant pseudonym.
  std::map<std::string, internal::ParticipantRecord> participants;
  // By source.
  std::map<std::string, v1::AppliedSequence> applied;
};

class AnalyticsView {
 public:
  AnalyticsView();

  absl::Mutex& mutex() const { return mu_; }

  // Replaces the view with the rows in Redis. UNAVAILABLE when Redis is down; DATA_LOSS
  // naming the key of a row that does not parse.
  absl::Status Load(store::Store& store) ABSL_LOCKS_EXCLUDED(mu_);
  void Apply(const ViewChanges& changes) ABSL_LOCKS_EXCLUDED(mu_);

  // --- Reads; the caller holds at least a reader lock. ---
  v1::AppliedSequence Applied(const std::string& source) const;
  std::optional<internal::ParticipantRecord> Participant(const std::string& participant) const;
  // Row keys of the participant's counted contributions.
  std::vector<std::string> ContributionsOf(const std::string& participant) const;
  std::optional<v1::ContributionEvent> Contribution(const std::string& key) const;
  bool HasAction(const std::string& key) const;

  const Cube& cube(v1::Dataset dataset) const;
  // PRACTICE codes: 0 is "none"; others index the practice pseudonyms seen.
  std::optional<uint32_t> PracticeCode(const std::string& label) const;
  std::string PracticeLabel(uint32_t code) const;
  // Pseudonym of a person id used in the cubes.
  const std::string& PersonPseudonym(uint32_t person) const { return people_[person]; }

  struct QuoteRef {
    std::string quote_id;
    std::string contribution;  // row key
  };
  // Approved quotes on a theme whose participant's QUOTATION consent is GIVEN, by quote_id,
  // starting after `after`; at most `limit`.
  std::vector<QuoteRef> Quotes(common::v1::Principle theme, const std::string& after,
                               size_t limit) const;

  size_t contribution_count() const { return contributions_.size(); }

 private:
  using Key128 = std::pair<uint64_t, uint64_t>;
  struct ContributionRow {
    uint32_t person = 0;
    uint32_t practice = 0;
    uint32_t themes = 0;  // bit mask of Principle values
    int32_t month = 0;
    uint8_t source_type = 0;
    std::string quote;  // approved redacted wording, or empty
  };
  struct ActionRow {
    CubeRecord record;
    v1::ActionEvent event;
  };
  struct ParticipantState {
    internal::ParticipantRecord record;
    absl::flat_hash_set<Key128> contributions;
  };

  static Key128 ParseKey(const std::string& key);
  static std::string FormatKey(Key128 key);

  uint32_t PersonId(const std::string& pseudonym) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  uint32_t PracticeId(const std::string& pseudonym) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  CubeRecord ContributionRecord(const ContributionRow& row) const;
  void SetContribution(Key128 key, std::optional<ContributionRow> row)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetParticipant(const internal::ParticipantRecord& record) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SetAction(Key128 key, const v1::ActionEvent& event) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ApplyLocked(const ViewChanges& changes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Clear() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::vector<std::string> people_;
  absl::flat_hash_map<std::string, uint32_t> person_ids_;
  std::vector<std::string> practices_;  // [0] = "none"
  absl::flat_hash_map<std::string, uint32_t> practice_ids_;
  absl::flat_hash_map<uint32_t, ParticipantState> participants_;
  absl::flat_hash_map<Key128, ContributionRow> contributions_;
  absl::flat_hash_map<Key128, ActionRow> actions_;
  std::map<std::string, v1::AppliedSequence> applied_;
  // Per theme: quote_id -> contribution.
  std::array<std::map<std::string, Key128>, 8> quotes_;
  std::unique_ptr<Cube> contributions_cube_, actions_cube_, consent_cube_;
};

}  // namespace bridging::analytics
