// "Recent activity": the gateway's audit trail for the signed-in organisation, so each
// partner can see every call made with its keys (what, when, and whether it was allowed).
import type { Route } from "../../router";
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import type { AuditEvent } from "../../gen/bridging/gateway/v1/admin_pb";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { formatTime } from "../../ui/format";

const SHOWN = 50;
const MAX_PAGES = 20;
import { heading, paragraph, table, tag } from "../../ui/components";

// "/bridging.consent.v1.ConsentService/WithdrawConsent" -> "Withdraw consent"
function methodWords(method: string): string {
  const name = method.split("/").pop() ?? method;
  const words = name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const activityRoute: Route = {
  path: "/activity",
  title: "Recent activity",
  nav: "Activity",
  description: "Every request made with your organisation's keys, and whether it was allowed.",
  roles: [Role.CHARITY, Role.PRACTICE, Role.RESEARCHER, Role.ADMIN],
  render: async ({ session }) => {
    // Events come oldest first: read the last day's pages and keep the newest.
    const since = timestampFromDate(new Date(Date.now() - 24 * 3600 * 1000));
    let events: AuditEvent[] = [];
    let pageToken = "";
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await session.clients.admin.listAuditEvents({ parent: session.organization, startTime: since, pageSize: 200, pageToken });
      events = events.concat(response.events).slice(-SHOWN);
      pageToken = response.nextPageToken;
      if (!pageToken) break;
    }
    events.reverse();
    return [
      heading("Recent activity"),
      paragraph("The last 50 requests in the past day made with your organisation's keys. Bridging keeps this record so that every use of information can be accounted for."),
      events.length === 0
        ? paragraph("There is no activity yet.")
        : table({
            caption: "Requests, newest first",
            head: ["When", "What", "Outcome"],
            rows: events.map((e) => [
              formatTime(e.eventTime),
              methodWords(e.method),
              e.outcomeCode === 0 ? tag("Done", "green") : tag(e.outcomeCode === 7 ? "Not allowed" : "Did not succeed", "red"),
            ]),
          }),
    ];
  },
};
