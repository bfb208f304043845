// What a role may call, read from the same policy annotations (bridging.common.v1.policy)
// the gateway enforces: the UI offers an action only when the gateway would allow it.
import { getOption } from "@bufbuild/protobuf";
import type { DescMethod } from "@bufbuild/protobuf";
import { policy, Role } from "../gen/bridging/common/v1/authz_pb";

export function mayCall(role: Role, method: DescMethod): boolean {
  return getOption(method, policy).allowedRoles.includes(role);
}

export { Role };
