// How a plan is going (GetPlanSummary): counts by status, the headline figures, and the
// overdue actions by name with links, so the first thing a practice manager sees is what needs attention.
import type { Action, PlanSummary } from "../../gen/bridging/actions/v1/actions_pb";
import { h } from "../../ui/dom";
import { table } from "../../ui/components";
import { formatDate } from "../../ui/format";
import { actionStatuses } from "../../vocabulary";
import type { PlanLinks } from "./links";

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function overdueList(overdue: Action[], links: PlanLinks): HTMLElement {
  return h("div", {},
    h("h3", { class: "nhsuk-heading-s" }, "Overdue"),
    overdue.length === 0
      ? h("p", { class: "nhsuk-body" }, "Nothing is overdue.")
      : h("ul", { class: "nhsuk-list nhsuk-list--bullet" },
          overdue.map((a) => h("li", {},
            h("a", { class: "nhsuk-link", href: `#${links.action(a.name)}` }, a.title),
            ` – was due on ${formatDate(a.dueDate)} (owner: ${a.ownerRole})`))));
}

// "N days" as a sentence about how long actions take, from the median over done actions.
function typicalTime(median: number | undefined): string {
  if (median === undefined) return "No action is done yet, so there is no typical time to get one done.";
  const days = Math.round(median);
  return days === 0 ? "Actions are usually done on the day they are added." : `Actions usually take ${plural(days, "day", "days")} from being added to being done.`;
}

export function planSummary(summary: PlanSummary, actions: Action[], links: PlanLinks): HTMLElement {
  const overdue = actions.filter((a) => a.overdue);
  return h("section", { "aria-labelledby": "plan-summary-heading" },
    h("h2", { class: "nhsuk-heading-m", id: "plan-summary-heading" }, "Summary"),
    h("div", { class: "nhsuk-grid-row" },
      h("div", { class: "nhsuk-grid-column-one-half" },
        table({
          caption: `Actions by status (${plural(summary.totalActions, "action", "actions")} in all)`,
          captionSize: "s",
          head: ["Status", "Actions"],
          rows: summary.byStatus.map((s) => [actionStatuses[s.status].label, String(s.count)]),
          numeric: [1],
          rowHeaders: true,
        })),
      h("div", { class: "nhsuk-grid-column-one-half" },
        h("h3", { class: "nhsuk-heading-s" }, "At a glance"),
        h("ul", { class: "nhsuk-list nhsuk-list--bullet" },
          h("li", {}, `${plural(summary.overdue, "action is", "actions are")} overdue.`),
          h("li", {}, `${plural(summary.doneOnTime, "action was", "actions were")} done by the target date, ${summary.doneLate} after it.`),
          h("li", {}, `${plural(summary.coProduced, "action was", "actions were")} shaped with the co-production group.`),
          h("li", {}, typicalTime(summary.medianDaysToDone))))),
    overdueList(overdue, links));
}
