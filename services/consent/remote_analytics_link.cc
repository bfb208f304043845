// Implements the consent service's analytics link over the publisher and the clients.
#include "services/consent/remote_analytics_link.h"

#include "libs/common/crypto.h"
#include "libs/outbox/deidentifier.h"
#include "services/consent/analytics_translator.h"

namespace bridging::consent {

bool PublisherPropagation::AwaitApplied(int64_t sequence) {
  return publisher_->WaitUntilApplied(sequence, wait_);
}

absl::StatusOr<analytics::v1::ParticipantUsage> RemoteAnalyticsUsage::ParticipantUsage(
    const std::string& participant) {
  absl::StatusOr<anonymizer::v1::PseudonymizeResponse> pseudonym =
      anonymizer_->Pseudonymize(outbox::kParticipantDomain, {participant});
  if (!pseudonym.ok()) return pseudonym.status();
  if (pseudonym->pseudonyms_size() != 1 || !IsPseudonym(pseudonym->pseudonyms(0))) {
    return absl::UnavailableError("anonymizer: no pseudonym for the participant");
  }
  return analytics_->GetParticipantUsage(pseudonym->pseudonyms(0));
}

absl::StatusOr<int64_t> RemoteAnalyticsUsage::AppliedConsentSequence() {
  absl::StatusOr<analytics::v1::AppliedSequence> applied =
      analytics_->GetAppliedSequence(kAnalyticsSource);
  if (!applied.ok()) return applied.status();
  return applied->sequence();
}

}  // namespace bridging::consent
