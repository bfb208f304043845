// "Start a new plan" (CreatePlan): a title and an optional description; actions are added next.
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import { newRequestId } from "../../api/client";
import type { Route } from "../../router";
import { backLink, heading, paragraph } from "../../ui/components";
import { fieldFinder, form, textInput, textarea } from "../../ui/forms";
import { practiceLinks } from "./links";
import { plansRoute } from "./plans-page";
import { twoThirds } from "./layout";

export const planNewRoute: Route = {
  path: "/practice/plans/new",
  title: "Start a new plan",
  roles: [Role.PRACTICE],
  render: ({ session, navigate }) => {
    const requestId = newRequestId();
    const title = textInput({ label: "Title", hint: "For example, Trauma-informed access 2026 to 2027.", maxLength: 200 });
    const description = textarea({ label: "Description (optional)", hint: "What the plan is for and who agreed it.", maxLength: 4000 });
    const start = form({
      fields: [title, description],
      submitText: "Start the plan",
      validate: () => title.value() === "" ? [{ field: title, message: "Enter a title for the plan" }] : [],
      onSubmit: async () => {
        const plan = await session.clients.actions.createPlan({
          parent: session.organization, plan: { title: title.value(), description: description.value() }, requestId,
        });
        navigate(practiceLinks.plan(plan.name), `The plan “${plan.title}” was started. Add its first action.`);
      },
      fieldFor: fieldFinder([[["plan.title"], title], [["plan.description"], description]]),
    });
    return [
      backLink(`#${plansRoute.path}`, "All plans"),
      twoThirds(
        heading("Start a new plan"),
        paragraph("A plan starts empty. After you start it you can add actions and, if you wish, share it with the charity."),
        start.element),
    ];
  },
};
