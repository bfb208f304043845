// Implements the gRPC adapter: each handler is ServeUnary(policy check, domain call).
#include "services/anonymizer/anonymizer_service.h"

#include "libs/server/unary_handler.h"

namespace bridging::anonymizer {

using server::ServeUnary;

AnonymizerServiceImpl::AnonymizerServiceImpl(const Anonymizer* anonymizer,
                                             const auth::PrincipalCodec* codec)
    : anonymizer_(anonymizer), enforcer_(v1::AnonymizerService::service_full_name(), codec) {}

grpc::Status AnonymizerServiceImpl::Pseudonymize(grpc::ServerContext* context,
                                                 const v1::PseudonymizeRequest* request,
                                                 v1::PseudonymizeResponse* response) {
  return ServeUnary(enforcer_, context, "Pseudonymize", *request, response,
                    [&](const auth::Principal&) { return anonymizer_->Pseudonymize(*request); });
}

grpc::Status AnonymizerServiceImpl::RedactText(grpc::ServerContext* context,
                                               const v1::RedactTextRequest* request,
                                               v1::RedactTextResponse* response) {
  return ServeUnary(enforcer_, context, "RedactText", *request, response,
                    [&](const auth::Principal&) { return anonymizer_->RedactText(*request); });
}

grpc::Status AnonymizerServiceImpl::Generalize(grpc::ServerContext* context,
                                               const v1::GeneralizeRequest* request,
                                               v1::GeneralizeResponse* response) {
  return ServeUnary(enforcer_, context, "Generalize", *request, response,
                    [&](const auth::Principal&) { return anonymizer_->Generalize(*request); });
}

grpc::Status AnonymizerServiceImpl::CheckKAnonymity(grpc::ServerContext* context,
                                                    const v1::CheckKAnonymityRequest* request,
                                                    v1::CheckKAnonymityResponse* response) {
  return ServeUnary(enforcer_, context, "CheckKAnonymity", *request, response,
                    [&](const auth::Principal&) { return anonymizer_->CheckKAnonymity(*request); });
}

grpc::Status AnonymizerServiceImpl::ApplyDisclosureControl(
    grpc::ServerContext* context, const v1::ApplyDisclosureControlRequest* request,
    v1::ApplyDisclosureControlResponse* response) {
  return ServeUnary(
      enforcer_, context, "ApplyDisclosureControl", *request, response,
      [&](const auth::Principal&) { return anonymizer_->ApplyDisclosureControl(*request); });
}

}  // namespace bridging::anonymizer
