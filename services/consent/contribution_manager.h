// ContributionService domain logic: contributions accepted only under active RESEARCH_USE
// consent, retraction, quote approval under QUOTATION consent, and the data-use report.
#pragma once

#include "absl/status/statusor.h"
#include "bridging/consent/v1/consent.pb.h"
#include "libs/auth/principal.h"
#include "services/consent/analytics_link.h"
#include "services/consent/participant_store.h"

namespace bridging::consent {

class ContributionManager {
 public:
  // `analytics` (optional, not owned) tells the data-use report how research used the
  // participant; without it, or while it is unreachable, the report says it is not known.
  ContributionManager(store::Store& store, Clock clock, AnalyticsUsage* analytics = nullptr);

  absl::StatusOr<v1::Contribution> SubmitContribution(const v1::SubmitContributionRequest& request,
                                                      const auth::Principal& caller);
  absl::StatusOr<v1::ListContributionsResponse> ListContributions(
      const v1::ListContributionsRequest& request);
  absl::StatusOr<v1::Contribution> RetractContribution(
      const v1::RetractContributionRequest& request, const auth::Principal& caller);
  absl::StatusOr<v1::Contribution> ApproveQuote(const v1::ApproveQuoteRequest& request,
                                                const auth::Principal& caller);
  absl::StatusOr<v1::DataUseReport> GetDataUseReport(const v1::GetDataUseReportRequest& request);

 private:
  // Reads, changes and commits one contribution under the participant's consent state.
  absl::StatusOr<v1::Contribution> ChangeContribution(
      const std::string& name, const std::string& etag, const std::string& request_id,
      const std::string& method, const google::protobuf::Message& request,
      const auth::Principal& caller, const std::string& outbox_kind,
      const std::function<absl::Status(const v1::ConsentStatus&, v1::Contribution*)>& change);

  ParticipantStore store_;
  store::Committer committer_;
  Clock clock_;
  AnalyticsUsage* analytics_;
};

}  // namespace bridging::consent
