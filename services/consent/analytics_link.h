// What the consent domain learns from analytics, as two small interfaces so the managers
// stay free of gRPC: whether a withdrawal has been applied (pushed before the receipt
// returns) and how a participant's data was used (for the data-use report).
// remote_analytics_link.h implements both over the outbox publisher and the analytics and
// anonymizer clients.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "bridging/analytics/v1/analytics.pb.h"

namespace bridging::consent {

class WithdrawalPropagation {
 public:
  virtual ~WithdrawalPropagation() = default;
  // Pushes the consent change `sequence` to analytics and waits a short, bounded time for
  // it to be applied. True if it was; false on timeout or when analytics is unreachable
  // (the change still reaches analytics through the outbox).
  virtual bool AwaitApplied(int64_t sequence) = 0;
};

class AnalyticsUsage {
 public:
  virtual ~AnalyticsUsage() = default;
  // How research answers used the participant (a resource name; pseudonymised before it
  // leaves the service). UNAVAILABLE (or DEADLINE_EXCEEDED) when analytics or the anonymizer
  // cannot be reached.
  virtual absl::StatusOr<analytics::v1::ParticipantUsage> ParticipantUsage(
      const std::string& participant) = 0;
  // How far analytics has applied consent changes.
  virtual absl::StatusOr<int64_t> AppliedConsentSequence() = 0;
};

}  // namespace bridging::consent
