// ConsentService domain logic: participants, consent per purpose, withdrawals with
// receipts, the hash-chained history, review dates and the consent watermark.
// Knows nothing of gRPC; every change is one AtomicWrite with its outbox event.
#pragma once

#include "absl/status/statusor.h"
#include "bridging/consent/v1/consent.pb.h"
#include "libs/auth/principal.h"
#include "services/consent/analytics_link.h"
#include "services/consent/participant_store.h"

namespace bridging::consent {

class ConsentManager {
 public:
  // `propagation` (optional, not owned) pushes each withdrawal to analytics before the
  // receipt returns; without it receipts say analytics_applied = false.
  ConsentManager(store::Store& store, Clock clock, WithdrawalPropagation* propagation = nullptr);

  absl::StatusOr<v1::Participant> CreateParticipant(const v1::CreateParticipantRequest& request,
                                                    const auth::Principal& caller);
  absl::StatusOr<v1::Participant> GetParticipant(const v1::GetParticipantRequest& request);
  absl::StatusOr<v1::ListParticipantsResponse> ListParticipants(
      const v1::ListParticipantsRequest& request);
  absl::StatusOr<v1::ConsentRecord> RecordConsent(const v1::RecordConsentRequest& request,
                                                  const auth::Principal& caller);
  // Succeeds whenever the consent store is up; then waits (bounded) for analytics to apply
  // the withdrawal and says in the receipt whether it has.
  absl::StatusOr<v1::WithdrawalReceipt> WithdrawConsent(const v1::WithdrawConsentRequest& request,
                                                        const auth::Principal& caller);
  absl::StatusOr<v1::ConsentStatus> GetConsentStatus(const v1::GetConsentStatusRequest& request);
  absl::StatusOr<v1::CheckConsentResponse> CheckConsent(const v1::CheckConsentRequest& request);
  absl::StatusOr<v1::ListConsentHistoryResponse> ListConsentHistory(
      const v1::ListConsentHistoryRequest& request);
  absl::StatusOr<v1::VerifyConsentHistoryResponse> VerifyConsentHistory(
      const v1::VerifyConsentHistoryRequest& request);
  absl::StatusOr<v1::ListDueForReviewResponse> ListDueForReview(
      const v1::ListDueForReviewRequest& request);
  absl::StatusOr<v1::ConsentWatermark> GetConsentWatermark(
      const v1::GetConsentWatermarkRequest& request);

 private:
  // The withdrawal itself: committed, or replayed for a retried request_id.
  absl::StatusOr<v1::WithdrawalReceipt> RecordWithdrawal(const v1::WithdrawConsentRequest& request,
                                                         const auth::Principal& caller);

  ParticipantStore store_;
  store::Committer committer_;
  Clock clock_;
  WithdrawalPropagation* propagation_;
};

// The participant name pattern and its check, shared by both services.
inline constexpr char kParticipantPattern[] = "charities/{charity}/participants/{participant}";

// Purposes in enum order, for status listings.
const std::vector<v1::Purpose>& AllPurposes();

// The PurposeStatus of `purpose` in `status` (added if missing).
v1::PurposeStatus* MutablePurpose(v1::ConsentStatus* status, v1::Purpose purpose);
const v1::PurposeStatus* FindPurpose(const v1::ConsentStatus& status, v1::Purpose purpose);

}  // namespace bridging::consent
