// "Withdrawal receipts": every withdrawal she has made, newest first, each with a link to its
// printable receipt.
import type { Route } from "../../router";
import { Role } from "../../api/policy";
import { h } from "../../ui/dom";
import { link, paragraph, table, tag } from "../../ui/components";
import { formatTime } from "../../ui/format";
import { loadParticipant, participantHref } from "./participants-data";
import { participantHeader } from "./participant-header";
import { loadReport, receiptId, receiptsOf } from "./receipts-data";
import { capitalise, purposeList } from "./words";

export const withdrawalsRoute: Route = {
  path: "/charity/participants/:participant/withdrawals",
  title: "Withdrawal receipts",
  roles: [Role.CHARITY],
  render: async ({ session, params }) => {
    const [participant, report] = await Promise.all([
      loadParticipant(session, params.participant),
      loadReport(session, params.participant),
    ]);
    const receipts = receiptsOf(report).reverse();
    return [
      ...participantHeader(participant, "withdrawals", { title: "Withdrawal receipts" }),
      receipts.length === 0
        ? paragraph(`${participant.charityReference} has not withdrawn any consent. If she wants to, use the form on `,
            link(participantHref(participant.name), "her consent page"), ". You will get a receipt to give her.")
        : table({
            caption: "Withdrawals, newest first",
            head: ["When", "What she withdrew", "Contributions erased", "Research service", "Receipt"],
            rows: receipts.map(({ receipt }) => [
              formatTime(receipt.withdrawTime),
              receipt.purposes.length > 0 ? capitalise(purposeList(receipt.purposes)) : "No consent (erasure only)",
              receipt.erasureRequested ? "Yes" : "No",
              receipt.analyticsApplied ? tag("Applied", "green") : tag("Not confirmed yet", "yellow"),
              link(participantHref(participant.name, `/withdrawals/${encodeURIComponent(receiptId(receipt))}`),
                ["View receipt", h("span", { class: "nhsuk-u-visually-hidden" }, ` of ${formatTime(receipt.withdrawTime)}`)]),
            ]),
          }),
    ];
  },
};
