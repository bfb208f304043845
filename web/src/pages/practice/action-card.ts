// One action as a card on the plan's board: its title (a link to the action), who owns it,
// the area, the target date and, in words, whether it is overdue.
import type { Action } from "../../gen/bridging/actions/v1/actions_pb";
import { h } from "../../ui/dom";
import { tag } from "../../ui/components";
import { formatDate } from "../../ui/format";
import { actionStatuses, areas, principles } from "../../vocabulary";
import type { PlanLinks } from "./links";

// "Overdue" in a red tag followed by words, so colour is never the only cue; null when on time.
export function overdueNote(action: Action): HTMLElement[] | null {
  if (!action.overdue) return null;
  return [tag("Overdue", "red"), h("span", {}, ` It was due on ${formatDate(action.dueDate)}.`)];
}

// `detail` is what the board's columns do not already say: the status or the principle.
export function actionCard(action: Action, links: PlanLinks, detail: "status" | "principle"): HTMLElement {
  const overdue = overdueNote(action);
  const status = actionStatuses[action.status];
  const line = (...children: Array<string | HTMLElement>) =>
    h("p", { class: "nhsuk-body-s nhsuk-u-margin-bottom-1" }, ...children);
  return h("div", { class: "nhsuk-card" },
    h("div", { class: "nhsuk-card__content nhsuk-u-padding-3" },
      h("h4", { class: "nhsuk-card__heading nhsuk-heading-s" },
        h("a", { class: "nhsuk-link", href: `#${links.action(action.name)}` }, action.title)),
      line(`Owner: ${action.ownerRole}`),
      line(`Area: ${areas[action.area]}`),
      detail === "principle"
        ? line(`Principle: ${principles[action.principle].label}`)
        : line("Status: ", tag(status.label, status.colour)),
      line(`Target date: ${formatDate(action.dueDate)}`),
      overdue ? h("p", { class: "nhsuk-body-s nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0" }, overdue) : null));
}
