// "Consent history": every change to her consent in order, each entry sealed with a
// fingerprint of the one before, and a button that checks nothing has been altered.
import type { Route } from "../../router";
import type { Session } from "../../session";
import { Role, mayCall } from "../../api/policy";
import { explainError } from "../../api/errors";
import { ConsentService, HistoryEventType, type ConsentHistoryEntry, type Participant } from "../../gen/bridging/consent/v1/consent_pb";
import { h, replaceChildren, type Child } from "../../ui/dom";
import { button, insetText, link, paragraph, table, warningCallout } from "../../ui/components";
import { formatTime } from "../../ui/format";
import { loadParticipant, participantHref, participantName } from "./participants-data";
import { participantHeader } from "./participant-header";
import { historyEvents, methods, purposeList } from "./words";

const PAGE_SIZE = 1000;
const MAX_PAGES = 10;
const SHORT_HASH = 12;

async function loadHistory(session: Session, participant: string): Promise<{ entries: ConsentHistoryEntry[]; complete: boolean }> {
  let entries: ConsentHistoryEntry[] = [];
  let pageToken = "";
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await session.clients.consent.listConsentHistory({ participant, pageSize: PAGE_SIZE, pageToken });
    entries = entries.concat(response.entries);
    pageToken = response.nextPageToken;
    if (!pageToken) return { entries, complete: true };
  }
  return { entries, complete: false };
}

function whatHappened(entry: ConsentHistoryEntry, participant: Participant): Child {
  const receipt = () => [" (", link(participantHref(participant.name, `/withdrawals/${encodeURIComponent(entry.subject.split("/").pop() ?? "")}`), "receipt"), ")"];
  switch (entry.type) {
    case HistoryEventType.CONSENT_GIVEN:
      return `${historyEvents[entry.type]} to ${purposeList(entry.purposes)} (${methods[entry.method].label.toLowerCase()})`;
    case HistoryEventType.CONSENT_WITHDRAWN:
      return [`${historyEvents[entry.type]} ${purposeList(entry.purposes)}`,
        entry.erasureRequested ? ", and asked for her contributions to be erased" : "", receipt()];
    case HistoryEventType.ERASURE_REQUESTED:
      return [historyEvents[entry.type], receipt()];
    default:
      return historyEvents[entry.type] ?? historyEvents[HistoryEventType.UNSPECIFIED];
  }
}

// The role that made the change; the first entry names the organisation, shown as "The charity".
function recordedBy(entry: ConsentHistoryEntry, session: Session): string {
  if (entry.recordedByRole === session.organization) return "The charity";
  return entry.recordedByRole || "Not recorded";
}

function verifySection(session: Session, participant: Participant): HTMLElement {
  const result = h("div", { role: "status", "aria-live": "polite" });
  const check = button("Check the history has not been altered", {
    variant: "secondary",
    onClick: async () => {
      check.disabled = true;
      replaceChildren(result, paragraph("Checking…"));
      try {
        const answer = await session.clients.consent.verifyConsentHistory({ participant: participant.name });
        replaceChildren(result, answer.valid
          ? insetText(
              h("p", {}, h("strong", {}, "The history has not been altered. "),
                `All ${answer.entriesChecked} entries were checked and link up exactly as they were written.`),
              h("p", {}, "Fingerprint of the latest entry: ",
                h("span", { class: "nhsuk-u-font-monospace nhsuk-u-text-break-word" }, answer.headHash)))
          : warningCallout("The history does not check out",
              h("p", {}, `Entry ${Number(answer.firstInvalidIndex) + 1} does not match what was written. ${answer.problem}`),
              h("p", {}, "Please tell the Bridging team straight away, and keep her paper records safe until it has been looked into.")));
      } catch (error) {
        replaceChildren(result, h("div", { class: "nhsuk-error-summary", tabindex: "-1" },
          h("h3", { class: "nhsuk-error-summary__title" }, "The check could not be done"),
          h("div", { class: "nhsuk-error-summary__body" }, h("p", {}, explainError(error).message))));
      } finally {
        check.disabled = false;
      }
    },
  });
  return h("section", { "aria-labelledby": "check-history", class: "bridging-no-print" },
    h("h2", { class: "nhsuk-heading-m", id: "check-history" }, "Check the history"),
    paragraph("Each entry carries a fingerprint of the entry before it, so changing or removing any entry would break the chain. The check recalculates every fingerprint."),
    check, result);
}

export const historyRoute: Route = {
  path: "/charity/participants/:participant/history",
  title: "Consent history",
  roles: [Role.CHARITY],
  render: async ({ session, params }) => {
    const [participant, history] = await Promise.all([
      loadParticipant(session, params.participant),
      loadHistory(session, participantName(session, params.participant)),
    ]);
    return [
      ...participantHeader(participant, "history", { title: "Consent history" }),
      paragraph("Every change to her consent, oldest first. Entries are only ever added, never changed or removed."),
      table({
        caption: "Changes to her consent",
        head: ["Entry", "When", "What happened", "Recorded by", "Fingerprint"],
        rows: history.entries.map((entry) => [
          String(Number(entry.index) + 1),
          formatTime(entry.eventTime),
          whatHappened(entry, participant),
          recordedBy(entry, session),
          h("span", { class: "nhsuk-u-font-monospace" }, entry.hash.slice(0, SHORT_HASH)),
        ]),
      }),
      history.complete ? null : paragraph("Her history is too long to show in full here; the check below still covers all of it."),
      mayCall(session.role, ConsentService.method.verifyConsentHistory) ? verifySection(session, participant) : null,
    ];
  },
};
