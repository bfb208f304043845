// "Record consent": which purpose she agreed to (each explained), how she gave it, when to
// check it with her again and who recorded it. Recording a purpose already agreed re-confirms it.
import type { PageContext } from "../../router";
import { newRequestId } from "../../api/client";
import { ConsentMethod, ConsentState, type ConsentStatus, type Participant, type Purpose } from "../../gen/bridging/consent/v1/consent_pb";
import { h } from "../../ui/dom";
import { choices, fieldFinder, form, textInput, type FieldError } from "../../ui/forms";
import { daysFromToday, dateInputValue, formatDate, parseDateInput } from "../../ui/format";
import { recordedByField, rememberRole } from "./recorded-by";
import { methods, purposeOrder, purposes } from "./words";

// Consent is checked again with her after about six months by default; the service allows
// up to five years.
const DEFAULT_REVIEW_DAYS = 183;
const LONGEST_REVIEW_DAYS = 5 * 366;

export function recordConsentForm(context: PageContext, participant: Participant, status: ConsentStatus): HTMLElement {
  const given = new Set(status.purposes.filter((p) => p.state === ConsentState.GIVEN).map((p) => p.purpose));
  const preselected = context.query.get("purpose") ?? "";
  const purpose = choices({
    label: "What has she agreed to?",
    hint: "Choose one. Record each purpose she agrees to separately.",
    kind: "radios",
    items: purposeOrder.map((p) => ({
      value: String(p),
      label: purposes[p].label,
      hint: given.has(p)
        ? `${purposes[p].explanation} She has already agreed to this: recording it again confirms it and sets a new review date.`
        : purposes[p].explanation,
    })),
    selected: [preselected],
  });
  const method = choices({
    label: "How did she give her consent?",
    kind: "radios",
    items: [ConsentMethod.VERBAL, ConsentMethod.WRITTEN, ConsentMethod.DIGITAL].map((m) => ({ value: String(m), label: methods[m].label, hint: methods[m].explanation })),
  });
  const review = textInput({
    label: "Check with her again by",
    hint: "When to ask her whether this is still her choice. We suggest six months from today; it can be up to five years.",
    type: "date", value: dateInputValue(daysFromToday(DEFAULT_REVIEW_DAYS)), width: 10,
  });
  const recordedBy = recordedByField(true);
  const requestId = newRequestId();

  const recordForm = form({
    fields: [purpose, method, review, recordedBy],
    submitText: "Record consent",
    validate: () => {
      const problems: FieldError[] = [];
      if (purpose.values().length === 0) problems.push({ field: purpose, message: "Choose what she has agreed to" });
      if (method.values().length === 0) problems.push({ field: method, message: "Choose how she gave her consent" });
      const date = parseDateInput(review.input.value);
      if (!date) problems.push({ field: review, message: "Enter the date to check with her again, for example 31/05/2027" });
      else if (dateInputValue(date) <= dateInputValue(daysFromToday(0))) problems.push({ field: review, message: "The date to check with her again must be in the future" });
      else if (dateInputValue(date) > dateInputValue(daysFromToday(LONGEST_REVIEW_DAYS))) problems.push({ field: review, message: "The date to check with her again must be within five years" });
      if (recordedBy.value() === "") problems.push({ field: recordedBy, message: "Enter your role, for example support worker" });
      return problems;
    },
    onSubmit: async () => {
      const chosen = Number(purpose.values()[0]) as Purpose;
      const record = await context.session.clients.consent.recordConsent({
        participant: participant.name,
        purpose: chosen,
        method: Number(method.values()[0]) as ConsentMethod,
        reviewDate: parseDateInput(review.input.value),
        recordedByRole: recordedBy.value(),
        etag: status.etag,
        requestId,
      });
      rememberRole(recordedBy.value());
      context.navigate(`/charity/participants/${encodeURIComponent(context.params.participant)}`,
        `Recorded: ${participant.charityReference} agreed to ${purposes[chosen].short}. Check with her again by ${formatDate(record.reviewDate)}.`);
    },
    fieldFor: fieldFinder([[["purpose"], purpose], [["method"], method], [["review_date"], review], [["recorded_by_role"], recordedBy]]),
  });
  return h("section", { "aria-labelledby": "record-consent" },
    h("h2", { class: "nhsuk-heading-m", id: "record-consent" }, "Record consent"),
    h("p", { class: "nhsuk-body" }, "Record a choice after you have explained it to her and she has said yes. She can change her mind at any time."),
    recordForm.element);
}
