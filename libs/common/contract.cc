// Implements ContractServices and ContractMethods.
#include "libs/common/contract.h"

#include "bridging/actions/v1/actions.pb.h"
#include "bridging/analytics/v1/analytics.pb.h"
#include "bridging/anonymizer/v1/anonymizer.pb.h"
#include "bridging/consent/v1/consent.pb.h"
#include "bridging/gateway/v1/admin.pb.h"

namespace bridging {

std::vector<std::string> ContractServices() {
  // Naming a message of each contract file also links that file's descriptors into the
  // binary: without it, the generated pool would not know the services.
  const google::protobuf::FileDescriptor* files[] = {
      consent::v1::Participant::descriptor()->file(),
      actions::v1::Plan::descriptor()->file(),
      anonymizer::v1::PseudonymizeRequest::descriptor()->file(),
      analytics::v1::ConsentEvent::descriptor()->file(),
      gateway::v1::Organization::descriptor()->file(),
  };
  std::vector<std::string> services;
  for (const auto* file : files) {
    for (int i = 0; i < file->service_count(); ++i)
      services.push_back(file->service(i)->full_name());
  }
  return services;
}

std::vector<const google::protobuf::MethodDescriptor*> ContractMethods() {
  std::vector<const google::protobuf::MethodDescriptor*> methods;
  for (const std::string& name : ContractServices()) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    for (int i = 0; service != nullptr && i < service->method_count(); ++i) {
      methods.push_back(service->method(i));
    }
  }
  return methods;
}

}  // namespace bridging
