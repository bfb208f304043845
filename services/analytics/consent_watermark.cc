// GetConsentWatermark over gRPC, with a deadline and the analytics service principal.
#include "services/analytics/consent_watermark.h"

#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"

namespace bridging::analytics {

ConsentWatermarkClient::ConsentWatermarkClient(std::shared_ptr<grpc::Channel> channel,
                                               const auth::PrincipalCodec* codec,
                                               absl::Duration timeout)
    : stub_(consent::v1::ConsentService::NewStub(std::move(channel))),
      codec_(codec),
      timeout_(timeout) {}

absl::StatusOr<int64_t> ConsentWatermarkClient::CurrentWatermark() {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  codec_->Attach({"services/analytics", common::v1::ROLE_SERVICE}, &context);
  consent::v1::GetConsentWatermarkRequest request;
  consent::v1::ConsentWatermark watermark;
  grpc::Status status = stub_->GetConsentWatermark(&context, request, &watermark);
  if (!status.ok()) {
    // Whatever the reason, analytics cannot prove it reflects every withdrawal: fail closed.
    return absl::UnavailableError(absl::StrCat(
        "cannot confirm the consent watermark (consent service: ", status.error_message(),
        "); no answer is given until every withdrawal is known to be applied"));
  }
  return watermark.sequence();
}

}  // namespace bridging::analytics
