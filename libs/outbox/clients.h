// Clients of the two services an outbox publisher talks to: the anonymizer (pseudonyms,
// redaction) and analytics (ingest, applied sequence, participant usage). Every call carries
// the caller's signed SERVICE principal and a deadline; errors come back as absl::Status
// (UNAVAILABLE / DEADLINE_EXCEEDED when the service cannot be reached).
//
//   auto channel = outbox::ServiceChannel("127.0.0.1:7104");
//   outbox::AnalyticsClient analytics(channel, &codec, {"services/consent", ROLE_SERVICE});
//   absl::StatusOr<AppliedSequence> applied = analytics.GetAppliedSequence("consent");
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bridging/analytics/v1/analytics.grpc.pb.h"
#include "bridging/anonymizer/v1/anonymizer.grpc.pb.h"
#include "libs/auth/principal.h"

namespace bridging::outbox {

// A channel to another service of the suite, secured by `credentials` (plaintext by default,
// as on loopback or a mesh). It connects lazily and retries a lost connection within 2 s, so a
// peer that restarts is reached again quickly instead of after gRPC's default backoff of up
// to two minutes.
std::shared_ptr<grpc::Channel> ServiceChannel(
    const std::string& address,
    std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials());

class AnonymizerClient {
 public:
  // `codec` must outlive the client.
  AnonymizerClient(std::shared_ptr<grpc::Channel> channel, const auth::PrincipalCodec* codec,
                   auth::Principal self, absl::Duration deadline = absl::Seconds(3));

  // Pseudonyms of `identifiers` (1-1000) in `domain`, in the same order, and the key version.
  absl::StatusOr<anonymizer::v1::PseudonymizeResponse> Pseudonymize(
      const std::string& domain, const std::vector<std::string>& identifiers) const;
  // The text with every personal detail the anonymizer finds replaced by a placeholder.
  absl::StatusOr<std::string> RedactText(const std::string& text) const;

 private:
  std::unique_ptr<anonymizer::v1::AnonymizerService::Stub> stub_;
  const auth::PrincipalCodec* codec_;
  auth::Principal self_;
  absl::Duration deadline_;
};

class AnalyticsClient {
 public:
  // `codec` must outlive the client.
  AnalyticsClient(std::shared_ptr<grpc::Channel> channel, const auth::PrincipalCodec* codec,
                  auth::Principal self, absl::Duration deadline = absl::Seconds(3));

  absl::StatusOr<analytics::v1::IngestEventsResponse> IngestEvents(
      const analytics::v1::IngestEventsRequest& request) const;
  absl::StatusOr<analytics::v1::AppliedSequence> GetAppliedSequence(
      const std::string& source) const;
  // `participant` is the participant's pseudonym (domain "participant").
  absl::StatusOr<analytics::v1::ParticipantUsage> GetParticipantUsage(
      const std::string& participant) const;

 private:
  std::unique_ptr<analytics::v1::AnalyticsService::Stub> stub_;
  const auth::PrincipalCodec* codec_;
  auth::Principal self_;
  absl::Duration deadline_;
};

}  // namespace bridging::outbox
