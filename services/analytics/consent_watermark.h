// Where analytics learns the consent watermark (the sequence of the latest consent change)
// before every answer: the consent service's GetConsentWatermark, called as a SERVICE.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
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

// Dials `address` again after a failed call: a channel that lost its server can keep
// failing for seconds after the server is back (gRPC 1.51), and every one of those seconds
// is a second of refused research answers.
class ConsentWatermarkClient final : public WatermarkSource {
 public:
  // `credentials` secure the channel (plaintext by default).
  ConsentWatermarkClient(
      std::string address, const auth::PrincipalCodec* codec,
      absl::Duration timeout = absl::Seconds(1),
      std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials());
  absl::StatusOr<int64_t> CurrentWatermark() override;

 private:
  std::shared_ptr<consent::v1::ConsentService::Stub> Stub();
  void Redial();

  const std::string address_;
  const std::shared_ptr<grpc::ChannelCredentials> credentials_;
  const auth::PrincipalCodec* codec_;
  const absl::Duration timeout_;
  absl::Mutex mu_;
  std::shared_ptr<consent::v1::ConsentService::Stub> stub_ ABSL_GUARDED_BY(mu_);
};

}  // namespace bridging::analytics
