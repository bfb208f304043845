// IngestEvents: validates a batch of de-identified events, works out the row changes each
// new event makes (events at or below their source's applied sequence are duplicates and
// change nothing), commits rows and applied sequences to Redis in one atomic step, then
// applies them to the in-memory view. Batches are applied one at a time per process.
//
// What an event does:
//   CONSENT_GIVEN          the purposes become GIVEN
//   CONSENT_WITHDRAWN      the purposes become WITHDRAWN; RESEARCH_USE (or erase) deletes
//                          every contribution row of the person, QUOTATION clears quotes;
//                          the withdrawal is recorded with the time it was applied
//   CONTRIBUTION_SHARED    a row, kept only while the person's RESEARCH_USE is GIVEN
//   CONTRIBUTION_RETRACTED / _ERASED   the row is deleted
//   QUOTE_APPROVED         the row keeps the approved redacted wording (re-checked for
//                          identifiers; refused wording is dropped and logged)
//   ACTION_CREATED / _UPDATED          the action's row is replaced
#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bridging/analytics/v1/analytics.pb.h"
#include "libs/store/store.h"
#include "services/analytics/analytics_view.h"

namespace bridging::analytics {

inline constexpr int kMaxEventsPerBatch = 500;

// True for an event source name: ^[a-z][a-z0-9/_-]{0,63}$ ("consent", "actions/north").
bool IsSource(const std::string& value);

// INVALID_ARGUMENT naming the offending field ("events[3].contribution.participant", ...).
absl::Status ValidateIngest(const v1::IngestEventsRequest& request);

class Ingestor {
 public:
  Ingestor(store::Store& store, AnalyticsView& view, std::function<absl::Time()> clock)
      : store_(store), view_(view), clock_(std::move(clock)) {}

  // UNAVAILABLE when Redis is down (nothing applied).
  absl::StatusOr<v1::IngestEventsResponse> Ingest(const v1::IngestEventsRequest& request);

 private:
  store::Store& store_;
  AnalyticsView& view_;
  std::function<absl::Time()> clock_;
  absl::Mutex mu_;  // one batch at a time
};

}  // namespace bridging::analytics
