// GetConsentWatermark over gRPC, with a deadline and the analytics service principal.
#include "services/analytics/consent_watermark.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>

#include "absl/strings/str_cat.h"

namespace bridging::analytics {

ConsentWatermarkClient::ConsentWatermarkClient(
    std::string address, const auth::PrincipalCodec* codec, absl::Duration timeout,
    std::shared_ptr<grpc::ChannelCredentials> credentials)
    : address_(std::move(address)),
      credentials_(std::move(credentials)),
      codec_(codec),
      timeout_(timeout) {
  Redial();
}

void ConsentWatermarkClient::Redial() {
  auto stub = consent::v1::ConsentService::NewStub(grpc::CreateChannel(address_, credentials_));
  absl::MutexLock lock(&mu_);
  stub_ = std::move(stub);
}

std::shared_ptr<consent::v1::ConsentService::Stub> ConsentWatermarkClient::Stub() {
  absl::MutexLock lock(&mu_);
  return stub_;
}

absl::StatusOr<int64_t> ConsentWatermarkClient::CurrentWatermark() {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  codec_->Attach({"services/analytics", common::v1::ROLE_SERVICE}, &context);
  consent::v1::GetConsentWatermarkRequest request;
  consent::v1::ConsentWatermark watermark;
  grpc::Status status = Stub()->GetConsentWatermark(&context, request, &watermark);
  if (!status.ok()) {
    if (status.error_code() == grpc::StatusCode::UNAVAILABLE) Redial();
    // Whatever the reason, analytics cannot prove it reflects every withdrawal: fail closed.
    return absl::UnavailableError(absl::StrCat(
        "cannot confirm the consent watermark (consent service: ", status.error_message(),
        "); no answer is given until every withdrawal is known to be applied"));
  }
  return watermark.sequence();
}

}  // namespace bridging::analytics
