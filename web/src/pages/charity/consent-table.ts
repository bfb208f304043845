// One participant's consent, purpose by purpose: what each means, her choice, how and when
// she gave it, and when to check it with her again (an overdue review is said in words).
import { create } from "@bufbuild/protobuf";
import { ConsentState, PurposeStatusSchema, type ConsentStatus, type PurposeStatus } from "../../gen/bridging/consent/v1/consent_pb";
import { h, type Child } from "../../ui/dom";
import { table, tag } from "../../ui/components";
import { formatDate, formatTime } from "../../ui/format";
import { methods, purposeOrder, purposes, states } from "./words";

function purposeCell(status: PurposeStatus): Child {
  const words = purposes[status.purpose];
  return [h("span", { class: "nhsuk-u-display-block" }, words.label),
    h("span", { class: "nhsuk-body-s nhsuk-u-font-weight-normal nhsuk-u-secondary-text-colour nhsuk-u-display-block nhsuk-u-margin-bottom-0" }, words.explanation)];
}

function howCell(status: PurposeStatus): Child {
  const record = status.record;
  if (!record || status.state === ConsentState.NOT_GIVEN) return "Not recorded";
  return [
    h("span", { class: "nhsuk-u-display-block" }, `${methods[record.method].label}, ${formatTime(record.givenTime)}`),
    record.recordedByRole ? h("span", { class: "nhsuk-u-display-block" }, `Recorded by: ${record.recordedByRole}`) : null,
    status.state === ConsentState.WITHDRAWN ? h("span", { class: "nhsuk-u-display-block" }, `Withdrawn: ${formatTime(record.withdrawTime)}`) : null,
  ];
}

function reviewCell(status: PurposeStatus): Child {
  if (status.state !== ConsentState.GIVEN || !status.record) return "Not needed";
  const due = formatDate(status.record.reviewDate);
  return status.reviewOverdue
    ? [tag("Review overdue", "red"), h("span", { class: "nhsuk-u-display-block nhsuk-u-margin-top-1" }, `It was due on ${due}. Check with her that this is still her choice, then record it again.`)]
    : due;
}

export function consentTable(status: ConsentStatus, caption: string): HTMLElement {
  const byPurpose = new Map(status.purposes.map((p) => [p.purpose, p]));
  const rows = purposeOrder.map((purpose) => {
    const current = byPurpose.get(purpose) ?? create(PurposeStatusSchema, { purpose, state: ConsentState.NOT_GIVEN });
    const state = states[current.state];
    return [purposeCell(current), tag(state.label, state.colour), howCell(current), reviewCell(current)];
  });
  return table({ caption, head: ["Purpose", "Her choice", "How and when", "Review by"], rows, rowHeaders: true });
}
