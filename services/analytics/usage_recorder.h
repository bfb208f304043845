// Who research answers counted: per participant pseudonym, how many answered queries and
// quote listings included them, and when first and last. Answers only enqueue (merging
// counts in memory); a background thread writes the counts to Redis in one pipeline every
// flush interval, so a query never pays a Redis write per person. Read back by
// GetParticipantUsage for the participant's data-use report (which flushes first).
#pragma once

#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "bridging/analytics/v1/analytics.pb.h"
#include "libs/store/store.h"

namespace bridging::analytics {

class UsageRecorder {
 public:
  explicit UsageRecorder(store::Store& store,
                         absl::Duration flush_interval = absl::Milliseconds(200));
  ~UsageRecorder();  // stops and flushes what it can

  enum class Kind { kQuery, kQuoteListing };
  void Record(const std::vector<std::string>& participants, Kind kind, absl::Time when);

  // Writes pending counts; on failure they stay pending and the error is returned.
  absl::Status Flush();

  // The participant's counts as stored (after a flush); withdrawals are left to the caller.
  absl::StatusOr<v1::ParticipantUsage> Read(const std::string& participant);

  void Start();
  void Stop();

 private:
  struct Pending {
    int64_t queries = 0;
    int64_t listings = 0;
    absl::Time first = absl::InfiniteFuture();
    absl::Time last = absl::InfinitePast();
  };

  store::Store& store_;
  const absl::Duration flush_interval_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Pending> pending_ ABSL_GUARDED_BY(mu_);
  absl::Mutex flush_mu_;  // one flush at a time
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace bridging::analytics
