// The outbox publisher: moves a service's outbox stream into analytics, de-identified, at
// least once and in sequence order, in its own thread.
//
//   OutboxPublisher publisher(OutboxPublisherOptions::ForService("consent"), store, translator,
//                             anonymizer, analytics, *host.registry());
//   publisher.Start();
//   ...
//   bool applied = publisher.WaitUntilApplied(receipt.sequence(), absl::Milliseconds(1500));
//   ...
//   publisher.Stop();  // before the store and clients go away
//
// Each round reads up to batch_size entries after the durable cursor together with the
// service's sequence counter (one MULTI/EXEC), translates and de-identifies them, and calls
// IngestEvents with `through` = the highest sequence known to be covered (the counter itself
// when the read reached the end of the stream, so changes without an event never hold the
// watermark back). Only after analytics has acknowledged the batch is the cursor stored and
// the acknowledged entries trimmed. Any failure keeps the batch and retries it after a
// capped backoff; re-sending is harmless because analytics applies (source, sequence) once.
//
// With several replicas one publisher per source is active: it holds `<prefix>:outbox:lease`
// (SET NX PX, renewed while it runs; the cursor write checks it). The others stay idle and
// take over when the lease expires.
//
// Redis keys (all under the service's prefix): <prefix>:outbox (the stream, written by
// AtomicWrite::Outbox), <prefix>:sequence, <prefix>:outbox:cursor, <prefix>:outbox:lease.
//
// Metrics (registered in the constructor, label source):
//   bridging_outbox_events_published_total   events acknowledged by analytics
//   bridging_outbox_batches_total            IngestEvents calls acknowledged
//   bridging_outbox_failures_total{reason}   rounds that failed: redis, translate,
//                                            anonymizer, analytics
//   bridging_outbox_lag_entries              entries in the stream not yet acknowledged
//   bridging_outbox_lag_sequence             the service's sequence minus analytics' applied
//   bridging_outbox_applied_sequence         analytics' applied sequence (-1 until known)
//   bridging_outbox_leader                   1 while this replica holds the lease
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/outbox/clients.h"
#include "libs/outbox/deidentifier.h"
#include "libs/outbox/translator.h"
#include "libs/store/store.h"

namespace prometheus {
class Counter;
class Gauge;
class Registry;
}  // namespace prometheus

namespace bridging::outbox {

struct OutboxPublisherOptions {
  // The analytics source name, e.g. "consent".
  std::string source;
  std::string stream;        // e.g. "consent:outbox"
  std::string sequence_key;  // e.g. "consent:sequence"
  std::string cursor_key;    // e.g. "consent:outbox:cursor"
  std::string lease_key;     // e.g. "consent:outbox:lease"
  // Entries per round; analytics takes at most 500 events per call.
  int batch_size = 500;
  // How long an idle round blocks on the stream (XREAD BLOCK) before looking again; keep
  // it below the store's command timeout.
  absl::Duration idle_wait = absl::Milliseconds(250);
  // Backoff after a failed round: doubles from initial to max.
  absl::Duration initial_backoff = absl::Milliseconds(50);
  absl::Duration max_backoff = absl::Seconds(2);
  // The lease expires this long after its last renewal; renewed every third of it.
  absl::Duration lease_ttl = absl::Seconds(10);

  // The options of service `prefix` ("consent", "actions"): source = prefix, keys as above.
  static OutboxPublisherOptions ForService(const std::string& prefix);
};

class OutboxPublisher {
 public:
  // Every reference must outlive the publisher. Metrics are added to `registry` here.
  OutboxPublisher(OutboxPublisherOptions options, store::Store& store, const Translator& translator,
                  const AnonymizerClient& anonymizer, const AnalyticsClient& analytics,
                  prometheus::Registry& registry);
  ~OutboxPublisher();  // Stop()
  OutboxPublisher(const OutboxPublisher&) = delete;
  OutboxPublisher& operator=(const OutboxPublisher&) = delete;

  // Starts the publishing thread. Call once.
  void Start();

  // Wakes the thread, lets it finish its round, joins it and gives up the lease. Idempotent.
  void Stop();

  // Wakes the publisher at once and waits until analytics has acknowledged every change up
  // to `sequence` of this source, at most `timeout`. True if it has. On a replica without
  // the lease it asks analytics how far the source is applied instead.
  bool WaitUntilApplied(int64_t sequence, absl::Duration timeout);

  // Analytics' applied sequence for the source as last seen; -1 before it is known.
  int64_t applied_sequence() const;
  // True while this replica holds the lease.
  bool leader() const;

 private:
  enum Reason { kRedis = 0, kTranslate, kAnonymizer, kAnalytics, kNumReasons };
  // A round's failure and where it happened.
  struct Failure {
    Reason reason;
    absl::Status status;
  };
  enum class Outcome { kSent, kIdle };

  void Run();
  // One round: read, translate, de-identify, ingest, acknowledge.
  absl::StatusOr<Outcome> Round(Failure* failure);
  // Takes or renews the lease when due; true while held. Reloads the cursor on takeover.
  bool HoldLease();
  void ReleaseLease();
  // Blocks on the stream for new entries (at most idle_wait) unless woken already.
  void WaitForEntries();
  // Sleeps up to `d`, returning early when woken (WaitUntilApplied, Stop).
  void Sleep(absl::Duration d);
  // Records analytics' applied sequence and wakes waiters.
  void SetApplied(int64_t sequence);
  void RecordFailure(const Failure& failure);

  const OutboxPublisherOptions options_;
  store::Store& store_;
  const Translator& translator_;
  const Deidentifier deidentifier_;
  const AnalyticsClient& analytics_;
  const std::string owner_;  // this replica's lease value

  // Owned by the publishing thread.
  std::string cursor_;  // last acknowledged stream id ("" = from the start)
  absl::Time lease_renewed_ = absl::InfinitePast();
  int consecutive_failures_ = 0;
  Reason last_reason_ = kNumReasons;

  mutable absl::Mutex mu_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  int waiters_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t applied_ ABSL_GUARDED_BY(mu_) = -1;
  bool leader_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;

  prometheus::Counter* events_published_;
  prometheus::Counter* batches_;
  std::array<prometheus::Counter*, kNumReasons> failures_{};
  prometheus::Gauge* lag_entries_;
  prometheus::Gauge* lag_sequence_;
  prometheus::Gauge* applied_gauge_;
  prometheus::Gauge* leader_gauge_;
};

}  // namespace bridging::outbox
