// "Approve a quote": the exact wording she read and agreed may be quoted, with anything that
// could identify her or anyone else taken out by the support worker first.
import type { PageContext } from "../../router";
import { newRequestId } from "../../api/client";
import type { Contribution } from "../../gen/bridging/consent/v1/consent_pb";
import { h } from "../../ui/dom";
import { choices, fieldFinder, form, textarea, type FieldError } from "../../ui/forms";

const MAX_QUOTE = 2000;
const AGREED = "agreed";

export function quoteForm(context: PageContext, contribution: Contribution): HTMLElement {
  const wording = textarea({
    label: "The wording she agreed to",
    hint: `Up to ${MAX_QUOTE.toLocaleString("en-GB")} characters. Start from her words above, keep only the part to be quoted, and replace anything that could identify her or anyone else with a description in square brackets, for example [NAME], [PLACE] or [DATE].`,
    value: contribution.approvedQuote || contribution.text.slice(0, MAX_QUOTE), rows: 6, maxLength: MAX_QUOTE,
  });
  const agreed = choices({
    label: "Her agreement",
    kind: "checkboxes",
    items: [{ value: AGREED, label: "She has read or heard this exact wording and agrees to it being quoted without her name" }],
  });
  const requestId = newRequestId();
  const approve = form({
    fields: [wording, agreed],
    submitText: contribution.approvedQuote ? "Approve the new wording" : "Approve this quote",
    validate: () => {
      const problems: FieldError[] = [];
      if (wording.value() === "") problems.push({ field: wording, message: "Enter the wording she agreed to" });
      if (agreed.values().length === 0) problems.push({ field: agreed, message: "Confirm that she has agreed to this exact wording" });
      return problems;
    },
    onSubmit: async () => {
      await context.session.clients.contributions.approveQuote({
        name: contribution.name, quote: wording.value(), etag: contribution.etag, requestId,
      });
      context.refresh("The quote has been approved. Researchers may now use this wording, without her name.");
    },
    fieldFor: fieldFinder([[["quote"], wording]]),
  });
  return h("section", { "aria-labelledby": "approve-quote" },
    h("h2", { class: "nhsuk-heading-m", id: "approve-quote" }, contribution.approvedQuote ? "Change the approved quote" : "Approve a quote"),
    h("p", { class: "nhsuk-body" }, "A quote is a short piece of her words that researchers may use in reports, without her name. Read the final wording to her: only the exact words she agrees to are approved."),
    approve.element);
}
