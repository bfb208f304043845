// The one translation between absl::Status (inside) and grpc::Status (at the edge).
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace bridging {

// Same code, same message. An OK status maps to grpc::Status::OK.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Same code, same message (used by clients of other services).
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace bridging
