// "Withdrawal receipt": the calm confirmation shown straight after a withdrawal, and again
// whenever it is looked up: what was withdrawn and when, the proof that links it into her
// history, whether research has applied it, and what happens next. Printable for her.
import type { Route } from "../../router";
import { Role } from "../../api/policy";
import { Purpose, type Participant } from "../../gen/bridging/consent/v1/consent_pb";
import { h, type Child } from "../../ui/dom";
import { button, heading, link, panel, paragraph, summaryList } from "../../ui/components";
import { formatTime } from "../../ui/format";
import { loadParticipant, participantHref } from "./participants-data";
import { participantHeader } from "./participant-header";
import { loadReport, receiptId, receiptsOf, type Receipt } from "./receipts-data";
import { capitalise, purposeList } from "./words";

function researchStatus({ receipt, analyticsApplyTime }: Receipt): string {
  if (receipt.analyticsApplied) {
    return analyticsApplyTime
      ? `Applied on ${formatTime(analyticsApplyTime)}: no research answer counts her for this any more.`
      : "Applied: no research answer counts her for this any more.";
  }
  return "Not confirmed yet. Until it is, the research service answers no questions at all, so nothing can count her in the meantime.";
}

function whatHappensNext(participant: Participant, { receipt }: Receipt, checkAgain: () => void): Child[] {
  const researchEnded = receipt.purposes.includes(Purpose.RESEARCH_USE);
  return [
    h("h2", { class: "nhsuk-heading-m" }, "What happens next"),
    paragraph("The charity recorded this straight away. Nothing she has withdrawn will be used from now on, and she does not need to do anything else."),
    receipt.erasureRequested
      ? paragraph("Her notes, interview excerpts and feedback have been erased from Bridging, and the research service removes them from its data and from every total it gives.")
      : researchEnded
        ? paragraph("Her contributions are no longer shared for research. The charity still holds them; she can ask for them to be erased at any time.")
        : null,
    receipt.analyticsApplied
      ? null
      : paragraph("The research service will confirm the withdrawal as soon as it can. ",
          h("span", { class: "bridging-no-print" }, button("Check again", { variant: "secondary", small: true, onClick: checkAgain }))),
    paragraph("The fingerprint above links this receipt into her ", link(participantHref(participant.name, "/history"), "consent history"),
      ", so anyone can check later that neither has been changed."),
  ];
}

export function receiptView(participant: Participant, entry: Receipt, checkAgain: () => void): Child[] {
  const { receipt } = entry;
  const erasureOnly = receipt.purposes.length === 0;
  return [
    panel(erasureOnly ? "Erasure recorded" : "Consent withdrawn",
      "Receipt number", h("br"), h("strong", {}, receiptId(receipt))),
    summaryList([
      ["Participant", participant.charityReference],
      ["Withdrawn", erasureOnly ? "No consent (erasure only)" : capitalise(purposeList(receipt.purposes))],
      ...(receipt.alreadyInactivePurposes.length > 0 && !erasureOnly
        ? [["Already not in place", capitalise(purposeList(receipt.alreadyInactivePurposes))] as [string, Child]]
        : []),
      ["When", formatTime(receipt.withdrawTime)],
      ["Contributions erased", receipt.erasureRequested ? "Yes, at her request" : "No"],
      ["Research service", researchStatus(entry)],
      ["Change number", receipt.sequence > 0n ? receipt.sequence.toString() : "Not known"],
      ["Fingerprint", h("span", { class: "nhsuk-u-font-monospace nhsuk-u-text-break-word" }, receipt.digest)],
    ]),
    ...whatHappensNext(participant, entry, checkAgain),
    h("div", { class: "nhsuk-button-group bridging-no-print" },
      button("Print this receipt", { onClick: () => window.print() }),
      link(participantHref(participant.name), `Back to ${participant.charityReference}`)),
  ];
}

export const withdrawalReceiptRoute: Route = {
  path: "/charity/participants/:participant/withdrawals/:withdrawal",
  title: "Withdrawal receipt",
  roles: [Role.CHARITY],
  render: async ({ session, params, refresh }) => {
    const [participant, report] = await Promise.all([
      loadParticipant(session, params.participant),
      loadReport(session, params.participant),
    ]);
    const entry = receiptsOf(report).find((r) => receiptId(r.receipt) === params.withdrawal);
    if (!entry) {
      return [heading("Withdrawal receipt", participant.charityReference),
        paragraph("We could not find this receipt. ", link(participantHref(participant.name, "/withdrawals"), `See all receipts for ${participant.charityReference}`), ".")];
    }
    return [...participantHeader(participant, "withdrawals", { title: "Withdrawal receipt", withLinks: false }), ...receiptView(participant, entry, () => refresh())];
  },
};
