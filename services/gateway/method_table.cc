// Builds the method table from the generated descriptor pool.
#include "services/gateway/method_table.h"

#include "absl/strings/str_cat.h"
#include "libs/auth/policy.h"
#include "services/gateway/request_fields.h"

namespace bridging::gateway {

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
