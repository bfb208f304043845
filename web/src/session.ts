// The signed-in organisation: its API key (kept in this tab's sessionStorage only, so it
// goes when the tab closes and is never sent anywhere but the gateway), who it is and its role.
import { createClients, type Clients } from "./api/client";
import type { Role } from "./gen/bridging/common/v1/authz_pb";

const STORAGE_KEY = "bridging.apiKey";

export interface Session {
  organization: string;  // e.g. charities/sunflower
  displayName: string;   // e.g. "Sunflower Women's Project"
  role: Role;
  expireTime?: Date;
  clients: Clients;
}

// Checks the key with the gateway (WhoAmI) and remembers it for this tab.
export async function signIn(apiKey: string): Promise<Session> {
  const key = apiKey.trim();
  const clients = createClients(key);
  const me = await clients.admin.whoAmI({});
  sessionStorage.setItem(STORAGE_KEY, key);
  return {
    organization: me.organization,
    displayName: me.organizationDisplayName || me.organization,
    role: me.role,
    expireTime: me.expireTime ? new Date(Number(me.expireTime.seconds) * 1000) : undefined,
    clients,
  };
}

// The session kept by this tab, if its key still works; null when there is none.
export async function restoreSession(): Promise<Session | null> {
  const key = sessionStorage.getItem(STORAGE_KEY);
  if (!key) return null;
  try {
    return await signIn(key);
  } catch {
    sessionStorage.removeItem(STORAGE_KEY);
    return null;
  }
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

// The id part of the signed-in organisation's name: "charities/sunflower" -> "sunflower".
export function organizationId(session: Session): string {
  return session.organization.split("/")[1] ?? "";
}
