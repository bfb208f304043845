// "Change an action" (UpdateAction): sends only the fields changed, with the etag read when the
// page opened. When someone else saved first, the form keeps everything typed and the conflict
// panel offers to save over their version (with its fresh etag) or to discard.
import { Code, ConnectError } from "@connectrpc/connect";
import type { Action } from "../../gen/bridging/actions/v1/actions_pb";
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import { newRequestId } from "../../api/client";
import type { PageContext, Route } from "../../router";
import { organizationId } from "../../session";
import { h, replaceChildren } from "../../ui/dom";
import { backLink, heading } from "../../ui/components";
import { form } from "../../ui/forms";
import { actionForm, actionValues, changedPaths, draftOf, type ActionDraft } from "./action-form";
import { conflictPanel } from "./action-conflict";
import { allowedStatuses, statusChangeProblem } from "./labels";
import { actionName, planName, practiceLinks } from "./links";
import { yourRoleField } from "./your-role";
import { twoThirds } from "./layout";

const NOTHING_CHANGED = "You have not changed anything yet. Change a detail, or go back to the action.";

async function render(context: PageContext) {
  const practice = organizationId(context.session);
  const name = actionName(practice, context.params.plan, context.params.action);
  const client = context.session.clients.actions;
  const [opened, plan] = await Promise.all([
    client.getAction({ name }),
    client.getPlan({ name: planName(practice, context.params.plan) }),
  ]);
  const base = draftOf(opened);
  const requestId = newRequestId();
  const fields = actionForm(base, allowedStatuses(opened.status));
  const yourRole = yourRoleField(false);
  const conflictArea = h("div");

  const save = async (etag: string, draft: ActionDraft) => {
    await client.updateAction({
      action: { name, ...actionValues(draft) },
      updateMask: { paths: changedPaths(base, draft) },
      etag, requestId, actorRole: yourRole.value(),
    });
    yourRole.remember();
  };

  // Reads the action as saved now and explains the difference; called again if yet another
  // change lands while the person is deciding.
  const showConflict = async () => {
    const latest: Action = await client.getAction({ name });
    const panel = conflictPanel({
      opened: base,
      latest: draftOf(latest),
      yours: fields.draft(),
      onOverwrite: async () => {
        const problems = fields.validate();
        if (problems.length > 0) return edit.showErrors(problems);
        const draft = fields.draft();
        if (changedPaths(base, draft).length === 0) return edit.showErrors([{ field: null, message: NOTHING_CHANGED }]);
        const statusProblem = changedPaths(base, draft).includes("status") ? statusChangeProblem(latest.status, draft.status) : null;
        if (statusProblem) return edit.showErrors([{ field: fields.fieldFor("action.status"), message: statusProblem }]);
        try {
          await save(latest.etag, draft);
        } catch (error) {
          if (ConnectError.from(error).code === Code.Aborted) return showConflict();
          throw error;
        }
        context.navigate(practiceLinks.action(name), "Your changes were saved over the other person's. Anything else they changed was kept.");
      },
      onDiscard: () => context.navigate(practiceLinks.action(name), "Your changes were not saved. This is the action as it is saved now."),
    });
    replaceChildren(conflictArea, panel);
    panel.focus();
  };

  const edit = form({
    fields: [...fields.fields, yourRole],
    submitText: "Save changes",
    validate: () => {
      const problems = [...fields.validate(), ...yourRole.problems()];
      if (problems.length === 0 && changedPaths(base, fields.draft()).length === 0) problems.push({ field: null, message: NOTHING_CHANGED });
      return problems;
    },
    onSubmit: async () => {
      try {
        await save(opened.etag, fields.draft());
      } catch (error) {
        if (ConnectError.from(error).code === Code.Aborted) return showConflict();
        throw error;
      }
      context.navigate(practiceLinks.action(name), "Your changes were saved.");
    },
    fieldFor: (serverField) => serverField === "actor_role" ? yourRole : fields.fieldFor(serverField),
  });

  return [
    backLink(`#${practiceLinks.action(name)}`, "Back to the action"),
    twoThirds(heading(`Change “${opened.title}”`, plan.title), conflictArea, edit.element),
  ];
}

export const actionEditRoute: Route = {
  path: "/practice/plans/:plan/actions/:action/edit",
  title: "Change an action",
  roles: [Role.PRACTICE],
  render,
};
