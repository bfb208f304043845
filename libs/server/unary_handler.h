// The shape of every unary handler in a service adapter: authorise the caller against the
// method's declared policy, run the domain call, translate its absl::Status once.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <utility>

#include "absl/status/statusor.h"
#include "libs/auth/policy.h"
#include "libs/common/grpc_status.h"

namespace bridging::server {

// `call` is invoked as call(const auth::Principal&) -> absl::StatusOr<Response>.
template <typename Request, typename Response, typename Call>
grpc::Status ServeUnary(const auth::PolicyEnforcer& enforcer, grpc::ServerContext* context,
                        absl::string_view method, const Request& request, Response* response,
                        Call&& call) {
  absl::StatusOr<auth::Principal> principal = enforcer.Authorize(*context, method, request);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  absl::StatusOr<Response> result = call(*principal);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = std::move(result).value();
  return grpc::Status::OK;
}

}  // namespace bridging::server
