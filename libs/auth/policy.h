// Enforces the authorisation declared in the protos: each method's MethodPolicy (roles,
// owning resource field) is read from the descriptor once, and every call is checked
// against the verified principal. Deny unless a policy allows.
#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>

#include <functional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/auth/principal.h"

namespace bridging::auth {

// Returns true if `organization` holds a read-only share grant on `resource`.
using ShareGrantCheck =
    std::function<absl::StatusOr<bool>(absl::string_view organization, absl::string_view resource)>;

// Reads the policy of `method`; NOT_FOUND-free: a method without one yields a policy that
// allows nobody.
common::v1::MethodPolicy PolicyOf(const google::protobuf::MethodDescriptor& method);

// Reads the string at a dotted field path ("contribution.name") from `message`;
// INVALID_ARGUMENT if the path does not name a string field.
absl::StatusOr<std::string> ReadStringField(const google::protobuf::Message& message,
                                            absl::string_view path);

// Decides whether `principal` may call a method with `policy` on `resource`, the value of
// the policy's resource_field (ignored when the policy names none).
absl::Status CheckPolicyOnResource(const common::v1::MethodPolicy& policy,
                                   const Principal& principal, absl::string_view resource,
                                   const ShareGrantCheck& share_check = nullptr);

// Decides whether `principal` may call a method with `policy` on a request.
absl::Status CheckPolicy(const common::v1::MethodPolicy& policy, const Principal& principal,
                         const google::protobuf::Message& request,
                         const ShareGrantCheck& share_check = nullptr);

// The per-service enforcer used by service adapters.
class PolicyEnforcer {
 public:
  // `service_full_name` as generated: v1::ConsentService::service_full_name(). An unknown
  // service yields an enforcer that denies every method.
  PolicyEnforcer(absl::string_view service_full_name, const PrincipalCodec* codec,
                 ShareGrantCheck share_check = nullptr);

  // Verifies the caller's principal (UNAUTHENTICATED) and the method's policy
  // (PERMISSION_DENIED; INVALID_ARGUMENT if the resource field is empty or malformed).
  absl::StatusOr<Principal> Authorize(const grpc::ServerContextBase& context,
                                      absl::string_view method,
                                      const google::protobuf::Message& request) const;

 private:
  const PrincipalCodec* codec_;
  ShareGrantCheck share_check_;
  std::string service_name_;
  absl::flat_hash_map<std::string, common::v1::MethodPolicy> policies_;
};

}  // namespace bridging::auth
