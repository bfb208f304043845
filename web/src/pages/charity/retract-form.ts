// "Take it back": retracts one contribution, so it is no longer shared for research.
import type { PageContext } from "../../router";
import { newRequestId } from "../../api/client";
import type { Contribution } from "../../gen/bridging/consent/v1/consent_pb";
import { h, type Child } from "../../ui/dom";
import { link } from "../../ui/components";
import { form } from "../../ui/forms";

export function retractForm(context: PageContext, contribution: Contribution, consentPage: string): Child {
  const requestId = newRequestId();
  const retract = form({
    fields: [],
    submitText: "Retract this contribution",
    submitVariant: "secondary",
    onSubmit: async () => {
      await context.session.clients.contributions.retractContribution({ name: contribution.name, etag: contribution.etag, requestId });
      context.refresh("The contribution has been retracted. It is no longer shared for research.");
    },
  });
  return h("section", { "aria-labelledby": "retract" },
    h("h2", { class: "nhsuk-heading-m", id: "retract" }, "Take it back"),
    h("p", { class: "nhsuk-body" }, "If she no longer wants this shared, retract it. It stops being shared for research straight away, and any approved quote from it is removed. The charity keeps its copy, and a retraction cannot be reversed."),
    h("p", { class: "nhsuk-body" }, "To erase everything she has shared, use ", link(consentPage, "withdraw consent"), " on her consent page and tick erase."),
    retract.element);
}
