// The gateway's hash-chained audit trail: every call's event appended, in order, to the
// gateway's Redis by one background appender (callers never wait on Redis), listed per
// organisation, and verified end to end so any edit, deletion or reordering is detected.
//
//   AuditLog log(store, *registry, {});
//   log.Start();
//   RETURN_IF_ERROR(log.CheckAccepting());   // before admitting a call
//   log.Record(event);                      // after it finished
//   ASSIGN_OR_RETURN(auto page, log.List(request));  // the caller checked "-" is an admin's
#pragma once

#include <prometheus/registry.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bridging/gateway/v1/admin.pb.h"
#include "libs/store/store.h"

namespace bridging::gateway {

struct AuditLogOptions {
  // Events queued but not yet appended beyond which CheckAccepting() refuses new calls:
  // the gateway fails closed rather than serve calls it cannot audit.
  size_t max_backlog = 10000;
  // Events appended per Redis round trip.
  size_t max_batch = 256;
};

class AuditLog {
 public:
  AuditLog(store::Store& store, prometheus::Registry& registry, AuditLogOptions options = {});
  ~AuditLog();  // Stop()
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Starts the appender thread.
  void Start();
  // Appends what is queued (as long as the store answers, bounded by a few seconds), then
  // stops the appender. Idempotent.
  void Stop();

  // UNAVAILABLE when the backlog is over max_backlog (the store is down or slow).
  absl::Status CheckAccepting() const;

  // Queues one event. sequence, previous_hash and hash are assigned by the appender; the
  // rest is the caller's. Never blocks on Redis.
  void Record(v1::AuditEvent event);

  // Waits until every event recorded before the call is appended; DEADLINE_EXCEEDED after
  // `timeout`. For tests and shutdown.
  absl::Status Flush(absl::Duration timeout);

  // A page of events, oldest first. `parent` is an organisation (events whose caller is it or
  // whose resource it owns) or "-" (every event; the caller must have checked the caller is
  // an admin). Filters: time range, method, mutating_only. INVALID_ARGUMENT naming the field
  // for a bad parent, page_size or page_token; UNAVAILABLE when the store is down.
  absl::StatusOr<v1::ListAuditEventsResponse> List(const v1::ListAuditEventsRequest& request) const;

 private:
  // The appender thread's loop: takes up to max_batch queued events, appends them, retries
  // with backoff while the store fails; after Stop() drains for at most a few seconds.
  void Run();
  // Stamps `batch` (sequence, previous_hash, hash) from the head and appends it with one
  // compare-and-set script, re-stamping when another writer moved the head first.
  absl::Status AppendBatch(std::vector<v1::AuditEvent>& batch);
  void UpdateBacklogLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  store::Store& store_;
  const AuditLogOptions options_;
  prometheus::Counter* appended_total_;
  prometheus::Gauge* backlog_gauge_;
  prometheus::Counter* append_failures_;

  // Serialises Start() and Stop() (held while joining; the appender never takes it).
  absl::Mutex lifecycle_mu_;
  std::thread thread_ ABSL_GUARDED_BY(lifecycle_mu_);

  mutable absl::Mutex mu_;
  absl::CondVar work_;      // Record() or Stop(): the appender has something to do
  absl::CondVar progress_;  // the appender appended a batch (Flush waits on it)
  absl::CondVar stop_cv_;   // Stop() was called (cuts a retry backoff short)
  // Recorded and not yet appended, oldest first. The appender copies a batch from the front
  // and pops it only once it is in the store, so a failed append loses nothing.
  std::deque<v1::AuditEvent> queue_ ABSL_GUARDED_BY(mu_);
  int64_t recorded_ ABSL_GUARDED_BY(mu_) = 0;  // events ever passed to Record()
  int64_t appended_ ABSL_GUARDED_BY(mu_) = 0;  // of those, appended to the store
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time stop_deadline_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();

  // The head as last seen by the appender (only the appender thread touches these).
  bool head_known_ = false;
  std::string head_value_;     // "<sequence> <hash>", "" when the log is empty
  int64_t next_sequence_ = 0;  // sequence of the next event
  std::string head_hash_;      // hash of the last event, "" when the log is empty
};

// What VerifyAuditChain found.
struct AuditChainReport {
  int64_t events = 0;     // events checked
  std::string head_hash;  // hash of the last event ("" for an empty log)
};

// Re-reads the whole chain from the store and recomputes every hash. DATA_LOSS naming the
// first sequence whose event, hash, previous_hash, sequence or index entries do not match
// (an edited, deleted, inserted or reordered event); UNAVAILABLE when the store is down.
absl::StatusOr<AuditChainReport> VerifyAuditChain(store::Store& store);

// The chain hash of one event: hex SHA-256(previous_hash || canonical form), where the
// canonical form is the deterministic serialisation of `event` with `hash` cleared (see
// docs/audit-log.md).
std::string AuditEventHash(const v1::AuditEvent& event);

}  // namespace bridging::gateway
