// Implements the anonymizer and analytics clients: sign, set a deadline, call, map status.
#include "libs/outbox/clients.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_cat.h"
#include "libs/common/grpc_status.h"

namespace bridging::outbox {
namespace {

// A context signed as `self` with `deadline` from now.
std::unique_ptr<grpc::ClientContext> Context(const auth::PrincipalCodec& codec,
                                             const auth::Principal& self, absl::Duration deadline) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  codec.Attach(self, context.get());
  return context;
}

// Runs one unary call and returns its response or its status (with the peer's name, so a
// log line says which service failed).
template <typename Response, typename Call>
absl::StatusOr<Response> Unary(absl::string_view peer, Call&& call) {
  Response response;
  const grpc::Status status = call(&response);
  if (!status.ok()) {
    const absl::Status mapped = FromGrpcStatus(status);
    return absl::Status(mapped.code(), absl::StrCat(peer, ": ", mapped.message()));
  }
  return response;
}

}  // namespace

std::shared_ptr<grpc::Channel> ServiceChannel(
    const std::string& address, std::shared_ptr<grpc::ChannelCredentials> credentials) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  return grpc::CreateCustomChannel(address, std::move(credentials), args);
}

AnonymizerClient::AnonymizerClient(std::shared_ptr<grpc::Channel> channel,
                                   const auth::PrincipalCodec* codec, auth::Principal self,
                                   absl::Duration deadline)
    : stub_(anonymizer::v1::AnonymizerService::NewStub(std::move(channel))),
      codec_(codec),
      self_(std::move(self)),
      deadline_(deadline) {}

absl::StatusOr<anonymizer::v1::PseudonymizeResponse> AnonymizerClient::Pseudonymize(
    const std::string& domain, const std::vector<std::string>& identifiers) const {
  anonymizer::v1::PseudonymizeRequest request;
  request.set_domain(domain);
  for (const std::string& id : identifiers) request.add_identifiers(id);
  auto context = Context(*codec_, self_, deadline_);
  return Unary<anonymizer::v1::PseudonymizeResponse>("anonymizer", [&](auto* response) {
    return stub_->Pseudonymize(context.get(), request, response);
  });
}

absl::StatusOr<std::string> AnonymizerClient::RedactText(const std::string& text) const {
  anonymizer::v1::RedactTextRequest request;
  request.set_text(text);
  auto context = Context(*codec_, self_, deadline_);
  absl::StatusOr<anonymizer::v1::RedactTextResponse> response =
      Unary<anonymizer::v1::RedactTextResponse>(
          "anonymizer", [&](auto* out) { return stub_->RedactText(context.get(), request, out); });
  if (!response.ok()) return response.status();
  return std::move(*response->mutable_redacted_text());
}

AnalyticsClient::AnalyticsClient(std::shared_ptr<grpc::Channel> channel,
                                 const auth::PrincipalCodec* codec, auth::Principal self,
                                 absl::Duration deadline)
    : stub_(analytics::v1::AnalyticsService::NewStub(std::move(channel))),
      codec_(codec),
      self_(std::move(self)),
      deadline_(deadline) {}

absl::StatusOr<analytics::v1::IngestEventsResponse> AnalyticsClient::IngestEvents(
    const analytics::v1::IngestEventsRequest& request) const {
  auto context = Context(*codec_, self_, deadline_);
  return Unary<analytics::v1::IngestEventsResponse>("analytics", [&](auto* response) {
    return stub_->IngestEvents(context.get(), request, response);
  });
}

absl::StatusOr<analytics::v1::AppliedSequence> AnalyticsClient::GetAppliedSequence(
    const std::string& source) const {
  analytics::v1::GetAppliedSequenceRequest request;
  request.set_source(source);
  auto context = Context(*codec_, self_, deadline_);
  return Unary<analytics::v1::AppliedSequence>("analytics", [&](auto* response) {
    return stub_->GetAppliedSequence(context.get(), request, response);
  });
}

absl::StatusOr<analytics::v1::ParticipantUsage> AnalyticsClient::GetParticipantUsage(
    const std::string& participant) const {
  analytics::v1::GetParticipantUsageRequest request;
  request.set_participant(participant);
  auto context = Context(*codec_, self_, deadline_);
  return Unary<analytics::v1::ParticipantUsage>("analytics", [&](auto* response) {
    return stub_->GetParticipantUsage(context.get(), request, response);
  });
}

}  // namespace bridging::outbox
