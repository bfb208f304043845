// Implements policy lookup and evaluation.
#include "libs/auth/policy.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "libs/common/errors.h"
#include "libs/common/resource_name.h"

namespace bridging::auth {

using google::protobuf::FieldDescriptor;

common::v1::MethodPolicy PolicyOf(const google::protobuf::MethodDescriptor& method) {
  if (!method.options().HasExtension(common::v1::policy)) return {};
  return method.options().GetExtension(common::v1::policy);
}

absl::StatusOr<std::string> ReadStringField(const google::protobuf::Message& message,
                                            absl::string_view path) {
  const google::protobuf::Message* current = &message;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field = current->GetDescriptor()->FindFieldByName(std::string(parts[i]));
    if (field == nullptr || field->is_repeated()) {
      return absl::InternalError(absl::StrCat("policy names unknown field ", path));
    }
    const auto* reflection = current->GetReflection();
    if (i + 1 == parts.size()) {
      if (field->type() != FieldDescriptor::TYPE_STRING) {
        return absl::InternalError(absl::StrCat("policy field ", path, " is not a string"));
      }
      return reflection->GetString(*current, field);
    }
    if (field->type() != FieldDescriptor::TYPE_MESSAGE) {
      return absl::InternalError(absl::StrCat("policy field ", path, " is not a message"));
    }
    current = &reflection->GetMessage(*current, field);
  }
  return absl::InternalError("empty policy field path");
}

absl::Status CheckPolicyOnResource(const common::v1::MethodPolicy& policy,
                                   const Principal& principal, absl::string_view resource,
                                   const ShareGrantCheck& share_check) {
  const auto& roles = policy.allowed_roles();
  if (std::find(roles.begin(), roles.end(), principal.role) == roles.end()) {
    return absl::PermissionDeniedError(
        absl::StrCat("role ", common::v1::Role_Name(principal.role), " may not call this method"));
  }
  if (policy.resource_field().empty()) return absl::OkStatus();
  if (resource.empty()) return InvalidField(policy.resource_field(), "is required");
  // Operators and services are not tenants; their reach is bounded by allowed_roles.
  if (principal.role == common::v1::ROLE_SERVICE || principal.role == common::v1::ROLE_ADMIN) {
    return absl::OkStatus();
  }
  const std::string owner = OwnerOf(resource);
  if (owner.empty()) {
    return InvalidField(policy.resource_field(), "is not a resource name");
  }
  if (owner == principal.organization) return absl::OkStatus();
  if (policy.allow_shared_read() && share_check) {
    auto shared = share_check(principal.organization, resource);
    if (!shared.ok()) return shared.status();
    if (*shared) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(principal.organization, " may not act on ",
                                                  policy.resource_field(),
                                                  " owned by another organisation"));
}

absl::Status CheckPolicy(const common::v1::MethodPolicy& policy, const Principal& principal,
                         const google::protobuf::Message& request,
                         const ShareGrantCheck& share_check) {
  std::string resource;
  if (!policy.resource_field().empty()) {
    auto field = ReadStringField(request, policy.resource_field());
    if (!field.ok()) return field.status();
    resource = *std::move(field);
  }
  return CheckPolicyOnResource(policy, principal, resource, share_check);
}

PolicyEnforcer::PolicyEnforcer(absl::string_view service_full_name, const PrincipalCodec* codec,
                               ShareGrantCheck share_check)
    : codec_(codec), share_check_(std::move(share_check)), service_name_(service_full_name) {
  const auto* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name_);
  if (service == nullptr) return;
  for (int i = 0; i < service->method_count(); ++i) {
    const auto* method = service->method(i);
    policies_[method->name()] = PolicyOf(*method);
  }
}

absl::StatusOr<Principal> PolicyEnforcer::Authorize(
    const grpc::ServerContextBase& context, absl::string_view method,
    const google::protobuf::Message& request) const {
  auto principal = codec_->FromContext(context);
  if (!principal.ok()) return principal.status();
  auto it = policies_.find(method);
  if (it == policies_.end()) {
    return absl::PermissionDeniedError(
        absl::StrCat(service_name_, "/", method, " declares no policy"));
  }
  absl::Status allowed = CheckPolicy(it->second, *principal, request, share_check_);
  if (!allowed.ok()) return allowed;
  return principal;
}

}  // namespace bridging::auth
