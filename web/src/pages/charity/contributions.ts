// "Contributions": how notes and interviews reach research (only with consent, always with
// names taken out), and each participant's contributions, a page of participants at a time.
import type { Route } from "../../router";
import { Role } from "../../api/policy";
import { Purpose, type ConsentRecord } from "../../gen/bridging/consent/v1/consent_pb";
import { h } from "../../ui/dom";
import { heading, insetText, link, paragraph, table, tag } from "../../ui/components";
import { loadParticipantsPage, participantHref } from "./participants-data";
import { pagingLinks } from "./paging";

function agreement(records: ConsentRecord[] | undefined, purpose: Purpose): HTMLElement {
  return records?.some((r) => r.purpose === purpose) ? tag("Agreed", "green") : tag("Not agreed", "grey");
}

export const contributionsRoute: Route = {
  path: "/charity/contributions",
  title: "Contributions",
  nav: "Contributions",
  description: "Add the notes, interview excerpts and feedback women share, approve quotes, and take them back.",
  roles: [Role.CHARITY],
  render: async ({ session, query }) => {
    const pageToken = query.get("page") ?? "";
    const { people, nextPageToken, active } = await loadParticipantsPage(session, pageToken);
    return [
      heading("Contributions"),
      paragraph("Contributions are the reflective notes, interview excerpts, group meeting notes and feedback that women share with the charity. Choose a participant to see hers or add one."),
      insetText(
        h("p", {}, "A contribution is passed on for research only while she agrees to research use. Before it leaves the charity, names, phone numbers, addresses, dates and other details are taken out, and researchers only ever see totals for groups of women."),
        h("p", {}, "Her words are quoted only if she agrees to being quoted, and only in wording she has read and approved.")),
      people.length === 0
        ? paragraph("No participants yet. ", link("#/charity/participants/add", "Add a participant"), " first.")
        : table({
            caption: "Participants and their contributions",
            head: ["Participant", "Research use", "Being quoted"],
            rows: people.map((p) => {
              const records = active?.get(p.name);
              return [
                link(participantHref(p.name, "/contributions"), [p.charityReference, h("span", { class: "nhsuk-u-visually-hidden" }, " contributions")]),
                active ? agreement(records, Purpose.RESEARCH_USE) : "See her page",
                active ? agreement(records, Purpose.QUOTATION) : "See her page",
              ];
            }),
          }),
      pagingLinks("/charity/contributions", pageToken, nextPageToken),
    ];
  },
};
