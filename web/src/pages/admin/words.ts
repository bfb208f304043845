// Plain words for the operators' pages: organisation kinds and key states.
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import { ApiKeyState } from "../../gen/bridging/gateway/v1/admin_pb";
import type { TagColour } from "../../ui/components";

// The collection an organisation's name starts with fixes its role.
export const organisationKinds: Array<{ collection: string; role: Role; label: string; hint: string }> = [
  { collection: "practices", role: Role.PRACTICE, label: "GP practice", hint: "Keeps action plans; can share them with the charity." },
  { collection: "charities", role: Role.CHARITY, label: "Charity", hint: "Holds participants' consent and contributions." },
  { collection: "researchers", role: Role.RESEARCHER, label: "Research team", hint: "Sees de-identified totals only." },
  { collection: "operators", role: Role.ADMIN, label: "Operators", hint: "Manages organisations and keys; never sees data." },
];

export function kindLabel(role: Role): string {
  return organisationKinds.find((k) => k.role === role)?.label ?? "Service";
}

export const keyStates: Record<number, [string, TagColour]> = {
  [ApiKeyState.ACTIVE]: ["Active", "green"],
  [ApiKeyState.REVOKED]: ["Revoked", "red"],
  [ApiKeyState.EXPIRED]: ["Expired", "grey"],
};
