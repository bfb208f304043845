// "Withdraw consent" in one step, as easy as giving it: tick what she is withdrawing, say
// whether she also wants her contributions erased, press one button. No reason is asked for.
import type { PageContext } from "../../router";
import { newRequestId } from "../../api/client";
import { ConsentState, Purpose, type ConsentStatus, type Participant } from "../../gen/bridging/consent/v1/consent_pb";
import { h } from "../../ui/dom";
import { choices, fieldFinder, form, type FieldError } from "../../ui/forms";
import { participantIdOf } from "./participants-data";
import { recordedByField, rememberRole } from "./recorded-by";
import { purposeOrder, purposes, whatStops } from "./words";

const ERASE = "erase";

// Null when there is nothing to withdraw or erase: with no consent in place, erasing is offered
// only if she once agreed to research use (contributions are accepted only then).
export function withdrawForm(context: PageContext, participant: Participant, status: ConsentStatus): HTMLElement | null {
  const given = purposeOrder.filter((p) => status.purposes.some((s) => s.purpose === p && s.state === ConsentState.GIVEN));
  const researchWithdrawn = status.purposes.some((s) => s.purpose === Purpose.RESEARCH_USE && s.state === ConsentState.WITHDRAWN);
  if (given.length === 0 && !researchWithdrawn) return null;
  const which = given.length > 0
    ? choices({
        label: "What is she withdrawing?",
        hint: "Tick everything she no longer agrees to. It takes effect straight away.",
        kind: "checkboxes",
        items: given.map((p) => ({ value: String(p), label: purposes[p].label, hint: whatStops[p] })),
      })
    : null;
  const erase = choices({
    label: "Her contributions",
    kind: "checkboxes",
    items: [{
      value: ERASE,
      label: "Also erase her contributions",
      hint: "Her notes, interview excerpts and feedback are deleted from Bridging and removed from the research data. This cannot be undone. Leave this unticked if she only wants them no longer shared.",
    }],
  });
  const recordedBy = recordedByField(false);
  const requestId = newRequestId();

  const withdrawal = form({
    fields: [which, erase, recordedBy].filter((f) => f !== null),
    submitText: given.length > 0 ? "Withdraw consent" : "Erase her contributions",
    validate: () => {
      const problems: FieldError[] = [];
      if (which && which.values().length === 0) problems.push({ field: which, message: "Tick what she is withdrawing" });
      if (!which && erase.values().length === 0) problems.push({ field: erase, message: "Tick the box to erase her contributions" });
      return problems;
    },
    onSubmit: async () => {
      // With nothing in place, an empty list (every purpose) changes no consent: only erasure.
      const chosen = which ? which.values().map((v) => Number(v) as Purpose) : [];
      const receipt = await context.session.clients.consent.withdrawConsent({
        participant: participant.name,
        purposes: chosen,
        eraseContributions: erase.values().includes(ERASE),
        recordedByRole: recordedBy.value(),
        requestId,
      });
      rememberRole(recordedBy.value());
      context.navigate(`/charity/participants/${encodeURIComponent(participantIdOf(participant.name))}/withdrawals/${encodeURIComponent(receipt.name.split("/").pop() ?? "")}`);
    },
    fieldFor: fieldFinder([[["purposes"], which ?? erase], [["recorded_by_role"], recordedBy]]),
  });
  return h("section", { "aria-labelledby": "withdraw-consent" },
    h("h2", { class: "nhsuk-heading-m", id: "withdraw-consent" }, "Withdraw consent"),
    given.length > 0
      ? h("p", { class: "nhsuk-body" }, "She can withdraw any consent at any time, without giving a reason. You will get a receipt to give her.")
      : h("p", { class: "nhsuk-body" }, "She has no consent in place, so there is nothing to withdraw. If she asks for her contributions to be erased, you can do that here."),
    withdrawal.element);
}
