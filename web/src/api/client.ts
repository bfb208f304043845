// The typed Connect/JSON clients of every service the UI calls, through the gateway that
// served the page, carrying the signed-in API key; and request ids for safe retries.
import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { ActionPlanService } from "../gen/bridging/actions/v1/actions_pb";
import { AnalyticsService } from "../gen/bridging/analytics/v1/analytics_pb";
import { ConsentService, ContributionService } from "../gen/bridging/consent/v1/consent_pb";
import { AdminService } from "../gen/bridging/gateway/v1/admin_pb";

export interface Clients {
  admin: Client<typeof AdminService>;
  consent: Client<typeof ConsentService>;
  contributions: Client<typeof ContributionService>;
  actions: Client<typeof ActionPlanService>;
  analytics: Client<typeof AnalyticsService>;
}

// How long the UI waits for any one call before saying the suite is not answering.
const CALL_TIMEOUT_MS = 15_000;

export function createClients(apiKey: string, baseUrl = window.location.origin): Clients {
  const bearer: Interceptor = (next) => (request) => {
    request.header.set("Authorization", `Bearer ${apiKey}`);
    return next(request);
  };
  const transport = createConnectTransport({
    baseUrl,
    interceptors: [bearer],
    defaultTimeoutMs: CALL_TIMEOUT_MS,
    // Requests carry personal data: never let the browser cache them or their answers.
    fetch: (input, init) => fetch(input, { ...init, cache: "no-store", credentials: "omit" }),
  });
  return {
    admin: createClient(AdminService, transport),
    consent: createClient(ConsentService, transport),
    contributions: createClient(ContributionService, transport),
    actions: createClient(ActionPlanService, transport),
    analytics: createClient(AnalyticsService, transport),
  };
}

// A fresh id for one intended change. A form keeps the same id until the change succeeds,
// so pressing the button twice, or retrying after a dropped connection, changes nothing twice.
export function newRequestId(): string {
  return crypto.randomUUID();
}
