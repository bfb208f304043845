// gRPC adapter for AnonymizerService: authorise against the proto-declared policy
// (ROLE_SERVICE only), call the Anonymizer, translate status. Nothing else.
#pragma once

#include "bridging/anonymizer/v1/anonymizer.grpc.pb.h"
#include "libs/auth/policy.h"
#include "services/anonymizer/anonymizer.h"

namespace bridging::anonymizer {

class AnonymizerServiceImpl final : public v1::AnonymizerService::Service {
 public:
  AnonymizerServiceImpl(const Anonymizer* anonymizer, const auth::PrincipalCodec* codec);

  grpc::Status Pseudonymize(grpc::ServerContext* context, const v1::PseudonymizeRequest* request,
                            v1::PseudonymizeResponse* response) override;
  grpc::Status RedactText(grpc::ServerContext* context, const v1::RedactTextRequest* request,
                          v1::RedactTextResponse* response) override;
  grpc::Status Generalize(grpc::ServerContext* context, const v1::GeneralizeRequest* request,
                          v1::GeneralizeResponse* response) override;
  grpc::Status CheckKAnonymity(grpc::ServerContext* context,
                               const v1::CheckKAnonymityRequest* request,
                               v1::CheckKAnonymityResponse* response) override;
  grpc::Status ApplyDisclosureControl(grpc::ServerContext* context,
                                      const v1::ApplyDisclosureControlRequest* request,
                                      v1::ApplyDisclosureControlResponse* response) override;

 private:
  const Anonymizer* anonymizer_;
  auth::PolicyEnforcer enforcer_;
};

}  // namespace bridging::anonymizer
