// "Participants": the women the charity supports, by the charity's own reference, with what
// each has agreed to and whether a review is due, a page at a time.
import type { Route } from "../../router";
import { Role, mayCall } from "../../api/policy";
import { ConsentService, type ConsentRecord } from "../../gen/bridging/consent/v1/consent_pb";
import { h } from "../../ui/dom";
import { buttonLink, heading, insetText, link, paragraph, table, tag } from "../../ui/components";
import { loadParticipantsPage, participantHref, reviewOverdue } from "./participants-data";
import { purposeOrder, purposes } from "./words";
import { pagingLinks } from "./paging";

function consentSummary(records: ConsentRecord[] | undefined): string {
  const agreed = purposeOrder.filter((p) => records?.some((r) => r.purpose === p));
  if (agreed.length === 0) return "Nothing agreed at the moment";
  return agreed.map((p) => purposes[p].label).join("; ");
}

export const participantsRoute: Route = {
  path: "/charity/participants",
  title: "Participants",
  nav: "Participants",
  description: "The women you support, what each has agreed to, and a way to record or withdraw consent.",
  roles: [Role.CHARITY],
  render: async ({ session, query }) => {
    const pageToken = query.get("page") ?? "";
    const { people, nextPageToken, active } = await loadParticipantsPage(session, pageToken);
    return [
      heading("Participants"),
      paragraph("Each woman is known here only by the charity's own reference and, if she likes, a name she chose for the group."),
      mayCall(session.role, ConsentService.method.createParticipant) ? buttonLink("#/charity/participants/add", "Add a participant") : null,
      people.length === 0
        ? paragraph(pageToken ? "There are no more participants." : "No participants yet. Add a participant to record the choices she makes about her information.")
        : table({
            caption: pageToken ? "Participants and what each has agreed to (continued)" : "Participants and what each has agreed to",
            head: ["Reference", "Chosen name", "Agreed to", "Review"],
            rows: people.map((p) => {
              const records = active?.get(p.name);
              const overdue = records?.some(reviewOverdue) ?? false;
              return [
                link(participantHref(p.name), p.charityReference),
                p.alias || h("span", { class: "nhsuk-u-secondary-text-colour" }, "None"),
                active ? consentSummary(records) : "See her page",
                overdue ? tag("Review overdue", "red") : active ? "Up to date" : "See her page",
              ];
            }),
          }),
      active ? null : insetText(h("p", {}, "There are too many consents to summarise here. Open a participant to see hers.")),
      pagingLinks("/charity/participants", pageToken, nextPageToken),
    ];
  },
};
