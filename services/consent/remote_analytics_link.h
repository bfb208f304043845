// The consent service's analytics link over the network: withdrawals pushed through the
// outbox publisher, usage asked of analytics for the participant's pseudonym.
#pragma once

#include <string>

#include "absl/time/time.h"
#include "libs/outbox/clients.h"
#include "libs/outbox/outbox_publisher.h"
#include "services/consent/analytics_link.h"

namespace bridging::consent {

// Waits for the publisher to deliver a withdrawal, at most `wait`.
class PublisherPropagation final : public WithdrawalPropagation {
 public:
  PublisherPropagation(outbox::OutboxPublisher* publisher, absl::Duration wait)
      : publisher_(publisher), wait_(wait) {}
  bool AwaitApplied(int64_t sequence) override;

 private:
  outbox::OutboxPublisher* publisher_;
  absl::Duration wait_;
};

// Asks analytics, pseudonymising the participant through the anonymizer first.
class RemoteAnalyticsUsage final : public AnalyticsUsage {
 public:
  // Both clients must outlive this object.
  RemoteAnalyticsUsage(const outbox::AnonymizerClient* anonymizer,
                       const outbox::AnalyticsClient* analytics)
      : anonymizer_(anonymizer), analytics_(analytics) {}
  absl::StatusOr<analytics::v1::ParticipantUsage> ParticipantUsage(
      const std::string& participant) override;
  absl::StatusOr<int64_t> AppliedConsentSequence() override;

 private:
  const outbox::AnonymizerClient* anonymizer_;
  const outbox::AnalyticsClient* analytics_;
};

}  // namespace bridging::consent
