// A participant's contributions: what she has shared, where each stands, and a form to add
// one while she agrees to research use.
import { principles, sourceTypes } from "../../vocabulary";
import type { Route } from "../../router";
import { Role, mayCall } from "../../api/policy";
import { ConsentState, ContributionService, Purpose, type Contribution } from "../../gen/bridging/consent/v1/consent_pb";
import { h, type Child } from "../../ui/dom";
import { insetText, link, paragraph, table, tag } from "../../ui/components";
import { formatDate, formatTime } from "../../ui/format";
import { loadParticipant, participantHref, participantName } from "./participants-data";
import { participantHeader } from "./participant-header";
import { contributionHref, loadContributions } from "./contributions-data";
import { contributionForm } from "./contribution-form";
import { contributionStates } from "./words";

function when(contribution: Contribution): string {
  return contribution.occurredOn ? formatDate(contribution.occurredOn) : formatTime(contribution.createTime);
}

function contributionsTable(contributions: Contribution[]): Child {
  if (contributions.length === 0) return paragraph("She has not shared any contributions yet.");
  return table({
    caption: "Her contributions, newest first",
    head: ["What", "When", "Principles", "Where it stands", "Quote"],
    rows: contributions.map((c) => {
      const state = contributionStates[c.state];
      return [
        link(contributionHref(c), [sourceTypes[c.sourceType].label, h("span", { class: "nhsuk-u-visually-hidden" }, ` of ${when(c)}`)]),
        when(c),
        c.themes.length > 0 ? c.themes.map((t) => principles[t].label).join("; ") : "None chosen",
        tag(state.label, state.colour),
        c.approvedQuote ? "Approved" : "None",
      ];
    }),
  });
}

export const participantContributionsRoute: Route = {
  path: "/charity/participants/:participant/contributions",
  title: "Contributions",
  roles: [Role.CHARITY],
  render: async (context) => {
    const { session, params } = context;
    const name = participantName(session, params.participant);
    const [participant, status, contributions] = await Promise.all([
      loadParticipant(session, params.participant),
      session.clients.consent.getConsentStatus({ participant: name }),
      loadContributions(session, name),
    ]);
    const researchAgreed = status.purposes.some((p) => p.purpose === Purpose.RESEARCH_USE && p.state === ConsentState.GIVEN);
    const newestFirst = [...contributions].sort((a, b) => Number((b.createTime?.seconds ?? 0n) - (a.createTime?.seconds ?? 0n)));
    return [
      ...participantHeader(participant, "contributions", { title: "Contributions" }),
      paragraph("Her reflective notes, interview excerpts, group meeting notes and feedback. They are passed on for research only while she agrees to research use, and always with names and details taken out."),
      contributionsTable(newestFirst),
      !mayCall(session.role, ContributionService.method.submitContribution)
        ? null
        : researchAgreed
          ? h("div", { class: "nhsuk-grid-row" }, h("div", { class: "nhsuk-grid-column-two-thirds" }, contributionForm(context, participant)))
          : insetText(h("p", {}, `${participant.charityReference} has not agreed to research use, so no contributions can be added for her. If she would like to take part, `,
              link(participantHref(participant.name), "record her consent"), " first.")),
    ];
  },
};
