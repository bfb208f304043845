// One action: its details, its progress notes (and, for the practice, a form to add one) and
// its history. The practice and a charity the plan is shared with see the same page; only
// the practice is offered changes (mayCall).
import { ActionPlanService, type Action } from "../../gen/bridging/actions/v1/actions_pb";
import { mayCall } from "../../api/policy";
import { newRequestId } from "../../api/client";
import type { PageContext } from "../../router";
import { h, type Child } from "../../ui/dom";
import { backLink, buttonLink, heading, insetText, summaryList, tag } from "../../ui/components";
import { form, textarea } from "../../ui/forms";
import { formatDate, formatTime } from "../../ui/format";
import { overdueNote } from "./action-card";
import { historyTable } from "./action-history";
import { listAllHistory } from "./actions-data";
import { actionSources, actionStatuses, areas, principles } from "../../vocabulary";
import type { PlanLinks } from "./links";
import { yourRoleField } from "./your-role";

function details(action: Action): HTMLElement {
  const status = actionStatuses[action.status];
  const overdue = overdueNote(action);
  const principle = principles[action.principle];
  return summaryList([
    ["Status", tag(status.label, status.colour)],
    ["Principle", h("span", {}, principle.label, h("span", { class: "nhsuk-u-display-block nhsuk-body-s nhsuk-u-margin-bottom-0" }, principle.explanation))],
    ["Area", areas[action.area]],
    ["Owner", action.ownerRole],
    ["Target date", h("span", {}, formatDate(action.dueDate), overdue ? h("span", { class: "nhsuk-u-display-block" }, overdue) : null)],
    ...(action.completionDate ? [["Done on", formatDate(action.completionDate)] as [string, Child]] : []),
    ["Where it came from", actionSources[action.source]],
    ["Shaped with the co-production group", action.coProduced ? "Yes" : "No"],
    ["Description", action.description || "None given"],
    ["Last changed", formatTime(action.updateTime)],
  ]);
}

function notes(action: Action): HTMLElement {
  if (action.progressNotes.length === 0) return h("p", { class: "nhsuk-body" }, "No progress notes yet.");
  return h("ol", { class: "nhsuk-list" },
    action.progressNotes.map((n) => h("li", { class: "nhsuk-u-margin-bottom-4" },
      h("p", { class: "nhsuk-body nhsuk-u-margin-bottom-1" }, n.text),
      h("p", { class: "nhsuk-body-s nhsuk-u-secondary-text-colour" }, `${n.authorRole}, ${formatTime(n.createTime)}`))));
}

function noteForm(action: Action, context: PageContext): HTMLElement {
  const requestId = newRequestId();
  const text = textarea({ label: "Add a progress note", hint: "What has happened or been learned. About the change, never about a patient.", maxLength: 2000, rows: 3 });
  const yourRole = yourRoleField(true);
  return form({
    fields: [text, yourRole],
    submitText: "Add the note",
    submitVariant: "secondary",
    validate: () => [...(text.value() === "" ? [{ field: text, message: "Write the note before adding it" }] : []), ...yourRole.problems()],
    onSubmit: async () => {
      await context.session.clients.actions.addProgressNote({ name: action.name, text: text.value(), authorRole: yourRole.value(), requestId });
      yourRole.remember();
      context.refresh("Your progress note was added.");
    },
    fieldFor: (serverField) => serverField === "author_role" ? yourRole : text,
  }).element;
}

export async function renderActionPage(context: PageContext, name: string, planName: string, links: PlanLinks): Promise<Child> {
  const client = context.session.clients.actions;
  const role = context.session.role;
  const [action, plan, history] = await Promise.all([
    client.getAction({ name }),
    client.getPlan({ name: planName }),
    listAllHistory(context.session, name),
  ]);
  const mayChange = mayCall(role, ActionPlanService.method.updateAction) && links.editAction;
  const mayAddNote = mayCall(role, ActionPlanService.method.addProgressNote);
  return [
    backLink(`#${links.plan(planName)}`, "Back to the plan"),
    heading(action.title, plan.title),
    mayChange ? null : insetText(h("p", {}, "You can read this action. Only the practice can change it.")),
    details(action),
    mayChange ? buttonLink(`#${links.editAction!(name)}`, "Change this action", "secondary") : null,
    h("h2", { class: "nhsuk-heading-m" }, "Progress notes"),
    notes(action),
    mayAddNote ? noteForm(action, context) : null,
    h("h2", { class: "nhsuk-heading-m" }, "History"),
    historyTable(history),
  ];
}
