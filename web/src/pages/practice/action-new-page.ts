// "Add an action" (CreateAction): the action's fields and who is recording it; the new action
// then appears on the plan's board.
import { ActionStatus } from "../../gen/bridging/actions/v1/actions_pb";
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import { newRequestId } from "../../api/client";
import type { Route } from "../../router";
import { organizationId } from "../../session";
import { backLink, heading } from "../../ui/components";
import { form } from "../../ui/forms";
import { actionForm, actionValues } from "./action-form";
import { planName, practiceLinks } from "./links";
import { yourRoleField } from "./your-role";
import { twoThirds } from "./layout";

export const actionNewRoute: Route = {
  path: "/practice/plans/:plan/actions/new",
  title: "Add an action",
  roles: [Role.PRACTICE],
  render: async (context) => {
    const plan = await context.session.clients.actions.getPlan({ name: planName(organizationId(context.session), context.params.plan) });
    const requestId = newRequestId();
    const fields = actionForm({}, [ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED, ActionStatus.DONE]);
    const yourRole = yourRoleField(false);
    const created = form({
      fields: [...fields.fields, yourRole],
      submitText: "Add the action",
      validate: () => [...fields.validate(), ...yourRole.problems()],
      onSubmit: async () => {
        const draft = fields.draft();
        await context.session.clients.actions.createAction({
          parent: plan.name, action: actionValues(draft), requestId, actorRole: yourRole.value(),
        });
        yourRole.remember();
        context.navigate(practiceLinks.plan(plan.name), `“${draft.title}” was added to the plan.`);
      },
      fieldFor: (serverField) => serverField === "actor_role" ? yourRole : fields.fieldFor(serverField),
    });
    return [
      backLink(`#${practiceLinks.plan(plan.name)}`, "Back to the plan"),
      twoThirds(heading("Add an action", plan.title), created.element),
    ];
  },
};
