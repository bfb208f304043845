// Where analytics learns the consent watermark (the sequence of the latest consent change)
// before every answer: the consent service's GetConsentWatermark, called as a SERVICE.
#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bridging/consent/v1/consent.grpc.pb.h"
#include "libs/auth/principal.h"

namespace bridging::analytics {

class WatermarkSource {
 public:
  virtual ~WatermarkSource() = default;
  // UNAVAILABLE (saying why) when the watermark cannot be learned.
  virtual absl::StatusOr<int64_t> CurrentWatermark() = 0;
};

class ConsentWatermarkClient final : public WatermarkSource {
 public:
  ConsentWatermarkClient(std::shared_ptr<grpc::Channel> channel, const auth::PrincipalCodec* codec,
                         absl::Duration timeout = absl::Seconds(1));
  absl::StatusOr<int64_t> CurrentWatermark() override;

 private:
  std::unique_ptr<consent::v1::ConsentService::Stub> stub_;
  const auth::PrincipalCodec* codec_;
  const absl::Duration timeout_;
};

}  // namespace bridging::analytics
