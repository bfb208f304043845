// Builds the method table from the generated descriptor pool.
#include "services/gateway/method_table.h"

#include "absl/strings/str_cat.h"
#include "bridging/actions/v1/actions.pb.h"
#include "bridging/analytics/v1/analytics.pb.h"
#include "bridging/anonymizer/v1/anonymizer.pb.h"
#include "bridging/consent/v1/consent.pb.h"
#include "bridging/gateway/v1/admin.pb.h"
#include "libs/auth/policy.h"
#include "services/gateway/request_fields.h"

namespace bridging::gateway {

std::vector<std::string> MethodTable::ContractServices() {
  // Naming a message of each contract file also links that file's descriptors into the
  // binary: without it, the generated pool would not know the services.
  const google::protobuf::FileDescriptor* files[] = {
      consent::v1::Participant::descriptor()->file(),
      actions::v1::Plan::descriptor()->file(),
      anonymizer::v1::PseudonymizeRequest::descriptor()->file(),
      analytics::v1::ConsentEvent::descriptor()->file(),
      v1::Organization::descriptor()->file(),
  };
  std::vector<std::string> services;
  for (const auto* file : files) {
    for (int i = 0; i < file->service_count(); ++i)
      services.push_back(file->service(i)->full_name());
  }
  return services;
}

MethodTable::MethodTable(const std::vector<std::string>& services) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : services) {
    const auto* service = pool->FindServiceByName(name);
    if (service == nullptr) {
      missing_.push_back(name);
      continue;
    }
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      MethodInfo info;
      info.path = absl::StrCat("/", service->full_name(), "/", method->name());
      info.service = service->full_name();
      info.descriptor = method;
      info.has_policy = method->options().HasExtension(common::v1::policy);
      info.policy = auth::PolicyOf(*method);
      if (!info.policy.resource_field().empty()) {
        auto path = ResolveStringField(*method->input_type(), info.policy.resource_field());
        if (path.ok()) {
          info.resource_path = *std::move(path);
        } else {
          info.has_policy = false;
        }
      }
      if (auto request_id = ResolveStringField(*method->input_type(), "request_id");
          request_id.ok()) {
        info.request_id_field = request_id->front();
      }
      by_path_[info.path] = methods_.size();
      methods_.push_back(std::move(info));
    }
  }
}

const MethodInfo* MethodTable::Find(absl::string_view path) const {
  auto it = by_path_.find(path);
  return it == by_path_.end() ? nullptr : &methods_[it->second];
}

}  // namespace bridging::gateway
