// The research read side: Query, GetFrameworkMatrix, ListQuotes and GetPrivacyBudget.
//
// Every answer that touches data is fail-closed and accounted:
//   1. validate (INVALID_ARGUMENT naming the field); a retried request_id gets the
//      recorded answer without spending budget again;
//   2. learn the consent watermark, then wait (bounded) until the view has applied every
//      consent change up to it — else UNAVAILABLE, never a stale answer;
//   3. read the answer's cells from the cubes (cost follows the answer, not the data), with
//      the true number of people behind each;
//   4. coarsen cells the differencing guard flags against the team's earlier answers, then
//      run libs/privacy disclosure control (suppression, secondary suppression, optional
//      noise against the team's budget, rounding);
//   5. record the answer in the team's query log (atomically with its idempotency record)
//      and note which participants it counted, for their data-use reports.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bridging/analytics/v1/analytics.pb.h"
#include "libs/privacy/budget_ledger.h"
#include "libs/store/committer.h"
#include "libs/store/store.h"
#include "services/analytics/analytics_view.h"
#include "services/analytics/consent_watermark.h"
#include "services/analytics/usage_recorder.h"

namespace bridging::analytics {

struct QueryOptions {
  // Threshold, rounding base and optional epsilon applied to every answer.
  common::v1::DisclosurePolicy policy;
  // How long an answer may wait for analytics to catch up with the consent watermark.
  absl::Duration freshness_wait = absl::Seconds(2);
  // How many distinct published cells per team and dataset the differencing guard remembers
  // (at least half of it after forgetting the oldest).
  int guard_cells = 20000;
};

class QueryEngine {
 public:
  QueryEngine(store::Store& store, AnalyticsView& view, WatermarkSource& watermark,
              privacy::BudgetLedger& ledger, UsageRecorder& usage, QueryOptions options,
              std::function<absl::Time()> clock);

  absl::StatusOr<v1::QueryResponse> Query(const v1::QueryRequest& request);
  absl::StatusOr<v1::FrameworkMatrix> FrameworkMatrix(const v1::GetFrameworkMatrixRequest& request);
  absl::StatusOr<v1::ListQuotesResponse> ListQuotes(const v1::ListQuotesRequest& request);
  absl::StatusOr<v1::PrivacyBudget> PrivacyBudget(const v1::GetPrivacyBudgetRequest& request);

 private:
  struct Spec;
  struct Answer;
  absl::StatusOr<Answer> Compute(const Spec& spec);
  // Replays a retried request, else computes, records and returns the answer.
  template <typename Response>
  absl::StatusOr<Response> AnswerAndRecord(const Spec& spec);
  // Which fresh cells the differencing guard withholds, against every distinct cell already
  // published to the team. The team's history is kept in memory and brought up to date from
  // its query log on each call (only entries not seen yet are read).
  absl::StatusOr<std::vector<bool>> GuardCells(const std::string& parent, v1::Dataset dataset,
                                               const std::vector<internal::CellPredicate>& fresh,
                                               int threshold, bool people_valued);
  // Waits until the view reflects the consent watermark and returns holding its reader
  // lock; the applied consent sequence in *applied.
  absl::Status LockFresh(int64_t* applied);

  store::Store& store_;
  store::Committer committer_;
  AnalyticsView& view_;
  WatermarkSource& watermark_;
  privacy::BudgetLedger& ledger_;
  UsageRecorder& usage_;
  const QueryOptions options_;
  std::function<absl::Time()> clock_;

  // Per team: the distinct cells published so far, per dataset (oldest first, bounded), and
  // the last query log entry read.
  struct TeamHistory {
    std::string last_id;
    std::map<v1::Dataset, std::vector<internal::CellPredicate>> cells;
    absl::flat_hash_set<std::string> seen;  // Key(dataset, cell) of every cell kept
  };
  absl::Mutex history_mu_;
  absl::flat_hash_map<std::string, TeamHistory> history_ ABSL_GUARDED_BY(history_mu_);
};

}  // namespace bridging::analytics
