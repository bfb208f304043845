// "How your information has been used": the data-use report, written to the woman herself,
// to print and hand to her: what she agreed to, what was shared, and what her withdrawals did.
import type { Route } from "../../router";
import { ConsentState, type ConsentRecord, type DataUseReport } from "../../gen/bridging/consent/v1/consent_pb";
import { Role } from "../../api/policy";
import { h, type Child } from "../../ui/dom";
import { button, paragraph, summaryList, table } from "../../ui/components";
import { formatDate, formatTime } from "../../ui/format";
import { loadParticipant } from "./participants-data";
import { participantHeader } from "./participant-header";
import { loadReport, receiptId, receiptsOf } from "./receipts-data";
import { methods, purposes } from "./words";

function section(title: string, ...children: Child[]): HTMLElement {
  return h("section", {}, h("h2", { class: "nhsuk-heading-m" }, title), ...children);
}

function nowInWords(record: ConsentRecord): string {
  if (record.state === ConsentState.WITHDRAWN) return `You withdrew this on ${formatTime(record.withdrawTime)}`;
  if (record.supersededBy) return "You confirmed this again later";
  return `Still agreed. We will check with you by ${formatDate(record.reviewDate)}`;
}

function researchCount(report: DataUseReport): string {
  if (report.researchQueriesCounted < 0n) return "Not known just now: the research service could not be reached";
  return report.researchQueriesCounted.toString();
}

function withdrawalsSection(report: DataUseReport): HTMLElement | null {
  const receipts = receiptsOf(report);
  if (receipts.length === 0) return null;
  return section("When you changed your mind",
    receipts.map(({ receipt, analyticsApplyTime }) => h("div", { class: "nhsuk-u-margin-bottom-5" },
      h("h3", { class: "nhsuk-heading-s" }, `Withdrawal on ${formatTime(receipt.withdrawTime)}`),
      summaryList([
        ["What you withdrew", receipt.purposes.length > 0 ? receipt.purposes.map((p) => purposes[p].yours).join("; ") : "No consent: you asked for what you shared to be erased"],
        ["What you shared", receipt.erasureRequested ? "Erased at your request" : "Kept by the charity"],
        ["The charity", `Recorded it straight away, on ${formatTime(receipt.withdrawTime)}`],
        ["The research service", receipt.analyticsApplied
          ? `Applied it${analyticsApplyTime ? ` on ${formatTime(analyticsApplyTime)}` : ""}: no research answer counts you for it any more`
          : "Has not confirmed it yet; until it does, it answers no research questions at all"],
        ["Receipt number", receiptId(receipt)],
        ["Fingerprint", h("span", { class: "nhsuk-u-font-monospace nhsuk-u-text-break-word" }, receipt.digest)],
      ]))));
}

export const reportRoute: Route = {
  path: "/charity/participants/:participant/report",
  title: "Data-use report",
  roles: [Role.CHARITY],
  render: async ({ session, params }) => {
    const [participant, report] = await Promise.all([
      loadParticipant(session, params.participant),
      loadReport(session, params.participant),
    ]);
    return [
      ...participantHeader(participant, "report", { title: "How your information has been used" }),
      paragraph(`${session.displayName} prepared this for you on ${formatTime(report.generateTime)}. It shows what you agreed to, what was shared, and what happened when you changed your mind. You can change your mind about any of it at any time.`),
      section("In short", h("ul", { class: "nhsuk-list nhsuk-list--bullet" }, report.summary.map((line) => h("li", {}, line)))),
      report.consents.length === 0
        ? section("What you agreed to", paragraph("You have not agreed to anything yet."))
        : table({
            caption: "What you agreed to",
            head: ["What for", "When you agreed", "How", "Now"],
            rows: report.consents.map((record) => [
              purposes[record.purpose].yours,
              formatTime(record.givenTime),
              methods[record.method].label,
              nowInWords(record),
            ]),
            rowHeaders: true,
          }),
      section("What you shared",
        summaryList([
          ["Notes, interviews and feedback you shared with the charity", String(report.contributionsTotal)],
          ["Passed on for research, with names and details taken out", String(report.contributionsShared)],
          ["Erased at your request", String(report.contributionsErased)],
          ["Research questions whose totals included you", researchCount(report)],
        ]),
        paragraph("Researchers only ever see totals for groups of people, never your name or anything about you alone. Your words are quoted only if you agreed, without your name, and in wording you approved.")),
      withdrawalsSection(report),
      paragraph("If you have any questions about this, or want to change your mind, talk to your support worker."),
      h("div", { class: "bridging-no-print" }, button("Print this report", { onClick: () => window.print() })),
    ];
  },
};
