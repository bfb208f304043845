// One contribution: her words, where it stands, its approved quote, and the forms to approve
// a quote (while she agrees to being quoted) or take the contribution back.
import { principles, sourceTypes } from "../../vocabulary";
import type { Route } from "../../router";
import { Role, mayCall } from "../../api/policy";
import { ConsentState, ContributionService, ContributionState, Purpose, type Contribution, type ConsentStatus } from "../../gen/bridging/consent/v1/consent_pb";
import { h, type Child } from "../../ui/dom";
import { heading, insetText, link, paragraph, summaryList, tag } from "../../ui/components";
import { formatDate, formatTime } from "../../ui/format";
import { loadParticipant, participantHref, participantName } from "./participants-data";
import { participantHeader } from "./participant-header";
import { loadContributions } from "./contributions-data";
import { quoteForm } from "./quote-form";
import { retractForm } from "./retract-form";
import { contributionStates } from "./words";

function paragraphs(text: string): Child {
  return text.split(/\n+/).filter((line) => line.trim() !== "").map((line) => h("p", {}, line));
}

function agrees(status: ConsentStatus, purpose: Purpose): boolean {
  return status.purposes.some((p) => p.purpose === purpose && p.state === ConsentState.GIVEN);
}

function details(contribution: Contribution): HTMLElement {
  const state = contributionStates[contribution.state];
  return summaryList([
    ["Where it stands", [tag(state.label, state.colour), h("span", { class: "nhsuk-u-display-block nhsuk-u-margin-top-1" }, state.explanation)]],
    ["When she shared it", contribution.occurredOn ? formatDate(contribution.occurredOn) : "Not recorded"],
    ["Added", formatTime(contribution.createTime)],
    ["Principles", contribution.themes.length > 0 ? contribution.themes.map((t) => principles[t].label).join("; ") : "None chosen"],
    ["GP practice", contribution.practice ? contribution.practice.split("/").pop() ?? "" : "Not about one practice"],
    ["Passed on for research", contribution.shareTime ? `${formatTime(contribution.shareTime)}, with names and details taken out` : "Never"],
  ]);
}

export const contributionRoute: Route = {
  path: "/charity/participants/:participant/contributions/:contribution",
  title: "Contribution",
  roles: [Role.CHARITY],
  render: async (context) => {
    const { session, params } = context;
    const owner = participantName(session, params.participant);
    const [participant, status, contributions] = await Promise.all([
      loadParticipant(session, params.participant),
      session.clients.consent.getConsentStatus({ participant: owner }),
      loadContributions(session, owner),
    ]);
    const back = { href: participantHref(participant.name, "/contributions"), text: "All her contributions" };
    const contribution = contributions.find((c) => c.name === `${owner}/contributions/${params.contribution}`);
    if (!contribution) {
      return [heading("Contribution not found", participant.charityReference),
        paragraph("We could not find this contribution. ", link(back.href, back.text), ".")];
    }
    const active = contribution.state === ContributionState.ACTIVE;
    const mayQuote = mayCall(session.role, ContributionService.method.approveQuote) && active;
    const mayRetract = mayCall(session.role, ContributionService.method.retractContribution)
      && (active || contribution.state === ContributionState.WITHHELD);
    return [
      ...participantHeader(participant, "contributions", { title: sourceTypes[contribution.sourceType].label, back }),
      contribution.state === ContributionState.ERASED
        ? insetText(h("p", {}, "Her words were erased at her request. Only a note that this contribution existed remains."))
        : h("blockquote", { class: "nhsuk-inset-text" }, h("span", { class: "nhsuk-u-visually-hidden" }, "Her words: "), paragraphs(contribution.text)),
      details(contribution),
      contribution.approvedQuote
        ? h("section", { "aria-labelledby": "approved-quote" },
            h("h2", { class: "nhsuk-heading-m", id: "approved-quote" }, "Approved quote"),
            h("blockquote", { class: "nhsuk-inset-text" }, paragraphs(contribution.approvedQuote)),
            paragraph(`She approved this wording on ${formatTime(contribution.quoteApproveTime)}.`))
        : null,
      h("div", { class: "nhsuk-grid-row" }, h("div", { class: "nhsuk-grid-column-two-thirds" },
        mayQuote
          ? agrees(status, Purpose.QUOTATION)
            ? quoteForm(context, contribution)
            : insetText(h("p", {}, `${participant.charityReference} has not agreed to being quoted, so no quote can be approved. If she would like to be quoted, `,
                link(participantHref(participant.name), "record her consent"), " first."))
          : null,
        mayRetract ? retractForm(context, contribution, participantHref(participant.name)) : null)),
    ];
  },
};
