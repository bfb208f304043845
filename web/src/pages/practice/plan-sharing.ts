// Sharing a plan with the charity (SharePlan / UnsharePlan): says plainly what the charity will
// see, that it cannot change anything, and that sharing can be stopped at any time.
import { ActionPlanService, type Plan } from "../../gen/bridging/actions/v1/actions_pb";
import { mayCall } from "../../api/policy";
import { newRequestId } from "../../api/client";
import { explainError } from "../../api/errors";
import type { PageContext } from "../../router";
import { organizationId } from "../../session";
import { h } from "../../ui/dom";
import { button, insetText } from "../../ui/components";
import { form, textInput } from "../../ui/forms";

// Codes are the id part of an organisation's name: lower-case letters, digits and hyphens.
const CODE = /^[a-z0-9][a-z0-9-]{0,62}$/;

function stopSharingButton(plan: Plan, charity: string, context: PageContext): HTMLElement {
  const code = charity.split("/")[1] ?? charity;
  const requestId = newRequestId();
  const problem = h("p", { class: "nhsuk-error-message", role: "alert", hidden: true });
  let busy = false;
  const stop = button(`Stop sharing with ${code}`, {
    variant: "secondary",
    small: true,
    onClick: async () => {
      if (busy) return;
      busy = true;
      stop.disabled = true;
      try {
        await context.session.clients.actions.unsharePlan({ name: plan.name, charity, requestId });
        context.refresh(`You stopped sharing this plan with ${code}. They can no longer see it.`);
      } catch (error) {
        problem.hidden = false;
        problem.textContent = explainError(error).message;
      } finally {
        busy = false;
        stop.disabled = false;
      }
    },
  });
  return h("li", {}, h("p", { class: "nhsuk-body nhsuk-u-margin-bottom-2" }, `The charity with the code “${code}” can read this plan.`), stop, problem);
}

function shareForm(plan: Plan, context: PageContext): HTMLElement {
  const requestId = newRequestId();
  const code = textInput({
    label: "The charity's Bridging code",
    hint: "A short code the charity can tell you, for example sunflower.",
    width: 20,
  });
  return form({
    fields: [code],
    submitText: "Share this plan",
    submitVariant: "secondary",
    validate: () => {
      const value = code.value().toLowerCase();
      if (value === "") return [{ field: code, message: "Enter the charity's Bridging code" }];
      if (!CODE.test(value)) return [{ field: code, message: "The code has only lower-case letters, numbers and hyphens, for example sunflower" }];
      return [];
    },
    onSubmit: async () => {
      const value = code.value().toLowerCase();
      // No etag: sharing is idempotent and does not depend on anything else in the plan.
      await context.session.clients.actions.sharePlan({ name: plan.name, charity: `charities/${value}`, requestId });
      context.refresh(`This plan is now shared with ${value}. They can read it but not change it.`);
    },
    fieldFor: () => code,
  }).element;
}

export function planSharing(plan: Plan, context: PageContext): HTMLElement | null {
  const role = context.session.role;
  if (!mayCall(role, ActionPlanService.method.sharePlan)) return null;
  const practiceCode = organizationId(context.session);
  return h("section", { "aria-labelledby": "plan-sharing-heading" },
    h("h2", { class: "nhsuk-heading-m", id: "plan-sharing-heading" }, "Sharing with the charity"),
    h("p", { class: "nhsuk-body" }, "You can let the charity follow this plan. If you share it, the charity can read:"),
    h("ul", { class: "nhsuk-list nhsuk-list--bullet" },
      h("li", {}, "the plan's title and description, and this summary"),
      h("li", {}, "every action in it, with its progress notes and history")),
    h("p", { class: "nhsuk-body" }, "They cannot change anything, and they see no other plan of yours. You can stop sharing at any time; it takes effect straight away."),
    plan.sharedWith.length === 0
      ? h("p", { class: "nhsuk-body" }, "This plan is not shared with anyone.")
      : mayCall(role, ActionPlanService.method.unsharePlan)
        ? h("ul", { class: "nhsuk-list" }, plan.sharedWith.map((c) => stopSharingButton(plan, c, context)))
        : null,
    shareForm(plan, context),
    insetText(h("p", {}, `To find your plan, the charity needs your practice's code: ${practiceCode}.`)));
}
