// The gateway's gRPC face: a callback generic service that takes every call as raw bytes,
// lets the CallGate admit it on its first message, and relays messages both ways to the
// chosen backend through a generic stub, without decoding or re-encoding them. Deadlines
// pass on, cancellation passes on, and the backend's status (with its details) comes back.
#pragma once

#include <grpcpp/generic/async_generic_service.h>

#include "services/gateway/call_gate.h"
#include "services/gateway/contract_reflection.h"

namespace bridging::gateway {

class GrpcProxy final : public grpc::CallbackGenericService {
 public:
  // `reflection` answers grpc.reflection.v1alpha calls itself (they describe the gateway and
  // carry no data, so they need no credential).
  GrpcProxy(const CallGate* gate, const ContractReflection* reflection)
      : gate_(gate), reflection_(reflection) {}

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override;

 private:
  const CallGate* gate_;
  const ContractReflection* reflection_;
};

}  // namespace bridging::gateway
