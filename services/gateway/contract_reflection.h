// Server reflection for the gateway (grpc.reflection.v1alpha): lists the contract services
// the gateway proxies, which gRPC's built-in reflection cannot see as they reach the gateway
// through its generic service, and answers file and symbol questions from the descriptors
// compiled into the gateway, so grpcurl and the tests can discover every method at the one
// public endpoint. The protocol's message types come from gRPC's reflection library, already
// linked, and are used through the descriptor pool rather than generated again here.
#pragma once

#include <grpcpp/generic/async_generic_service.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bridging::gateway {

inline constexpr char kReflectionMethod[] =
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

class ContractReflection {
 public:
  // `services`: the full names list_services reports.
  explicit ContractReflection(std::vector<std::string> services) : services_(std::move(services)) {}

  // The serialised ServerReflectionResponse to one serialised ServerReflectionRequest;
  // INVALID_ARGUMENT if it does not parse, UNIMPLEMENTED if the protocol's types are absent.
  absl::StatusOr<std::string> Answer(absl::string_view request) const;

  // Serves one reflection stream (a request, an answer, and so on until the client is done).
  grpc::ServerGenericBidiReactor* NewReactor() const;

 private:
  std::vector<std::string> services_;
};

}  // namespace bridging::gateway
