// Action progress by principle: the actions dataset grouped by principle and status, drawn
// as horizontal stacked bars with a key, and the same numbers as a table under the chart.
import "./research.scss";
import type { Route } from "../../router";
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import { Dimension, Dataset, Measure } from "../../gen/bridging/analytics/v1/analytics_pb";
import { ActionStatus, ActionStatusSchema } from "../../gen/bridging/actions/v1/actions_pb";
import type { Cell, Table } from "../../gen/bridging/common/v1/table_pb";
import { newRequestId } from "../../api/client";
import { h } from "../../ui/dom";
import { heading, link, paragraph, table as nhsTable } from "../../ui/components";
import { cellContent, disclosureNotes } from "./disclosure";
import { principleValues, statusLabels } from "./vocabulary";

// The statuses in the order the bars stack them, with their segment class.
const stack: Array<{ status: ActionStatus; segment: string }> = [
  { status: ActionStatus.DONE, segment: "done" },
  { status: ActionStatus.IN_PROGRESS, segment: "progress" },
  { status: ActionStatus.PLANNED, segment: "planned" },
  { status: ActionStatus.BLOCKED, segment: "blocked" },
  { status: ActionStatus.DROPPED, segment: "dropped" },
];

// The label the service gives a status in tables, e.g. "ACTION_STATUS_DONE".
function statusLabel(status: ActionStatus): string {
  return ActionStatusSchema.values.find((v) => v.number === status)!.name;
}

// principle label -> status label -> cell, from the long-form answer.
function cellsByPrinciple(table: Table): Map<string, Map<string, Cell>> {
  const principleAt = table.rowDimensions.indexOf("principle");
  const statusAt = table.rowDimensions.indexOf("status");
  const cells = new Map<string, Map<string, Cell>>();
  for (const row of table.rows) {
    const principle = row.labels[principleAt];
    if (!cells.has(principle)) cells.set(principle, new Map());
    cells.get(principle)!.set(row.labels[statusAt], row.cells[0]);
  }
  return cells;
}

function shownTotal(cells: Map<string, Cell> | undefined): number {
  return [...(cells?.values() ?? [])].filter((c) => !c.suppressed).reduce((sum, c) => sum + c.value, 0);
}

function rowSummary(cells: Map<string, Cell> | undefined): string {
  const parts: string[] = [];
  let withheld = 0;
  for (const { status } of stack) {
    const cell = cells?.get(statusLabel(status));
    if (!cell) continue;
    if (cell.suppressed) withheld += 1;
    else parts.push(`${statusLabels[status]} ${cell.value}`);
  }
  if (withheld > 0) parts.push(`${withheld} ${withheld === 1 ? "number" : "numbers"} withheld`);
  return parts.length > 0 ? parts.join(", ") : "No actions";
}

function chart(byPrinciple: Map<string, Map<string, Cell>>): HTMLElement {
  const largest = Math.max(1, ...principleValues.map((p) => shownTotal(byPrinciple.get(p.server))));
  return h("ul", { class: "bridging-chart", "data-testid": "progress-chart" },
    principleValues.map((principle) => {
      const cells = byPrinciple.get(principle.server);
      const track = h("span", { class: "bridging-chart__track", "aria-hidden": "true" });
      for (const { status, segment } of stack) {
        const cell = cells?.get(statusLabel(status));
        if (!cell || cell.suppressed || cell.value <= 0) continue;
        const bar = h("span", { class: `bridging-chart__segment--${segment}` });
        bar.style.width = `${(cell.value / largest) * 100}%`;
        track.append(bar);
      }
      return h("li", { class: "bridging-chart__row" },
        h("span", {}, h("strong", {}, principle.label), h("br"),
          h("span", { class: "nhsuk-u-font-size-16" }, rowSummary(cells))),
        track);
    }));
}

function key(): HTMLElement {
  return h("ul", { class: "nhsuk-list", "data-testid": "progress-key" },
    stack.map(({ status, segment }) => h("li", {},
      h("span", { class: `bridging-key bridging-chart__segment--${segment}`, "aria-hidden": "true" }), statusLabels[status])));
}

function progressTable(byPrinciple: Map<string, Map<string, Cell>>): HTMLElement {
  return nhsTable({
    caption: "Actions by principle and progress",
    captionSize: "m",
    head: ["Principle", ...stack.map(({ status }) => statusLabels[status])],
    rows: principleValues.map((p) => [p.label,
      ...stack.map(({ status }) => cellContent(byPrinciple.get(p.server)?.get(statusLabel(status))))]),
    numeric: stack.map((_, i) => i + 1),
    rowHeaders: true,
  });
}

export const progressRoute: Route = {
  path: "/research/progress",
  title: "Action progress by principle",
  roles: [Role.RESEARCHER],
  nav: "Action progress",
  description: "How far practices' actions have got, for each trauma-informed principle, as a chart and a table.",
  render: async ({ session }) => {
    const response = await session.clients.analytics.query({
      parent: session.organization,
      dataset: Dataset.ACTIONS,
      groupBy: [Dimension.PRINCIPLE, Dimension.STATUS],
      measure: Measure.COUNT,
      requestId: newRequestId(),
    });
    const table = response.table;
    if (!table) throw new Error("the answer came back empty");
    const byPrinciple = cellsByPrinciple(table);
    const anyShown = principleValues.some((p) => shownTotal(byPrinciple.get(p.server)) > 0);
    return [
      heading("Action progress by principle"),
      paragraph("How many of the GP practices' actions are done, in progress, planned, held up or dropped, for each trauma-informed principle."),
      paragraph("Each time this page is shown, it is recorded in your team's query log like any query. ",
        link("#/research/query?dataset=actions&by=principle,status", "Open this as a query"), " to filter it or download it."),
      h("h2", { class: "nhsuk-heading-m" }, "Chart"),
      anyShown ? null : paragraph(h("strong", {}, "Every number here is withheld for now"),
        ", because each group holds only a few actions. The bars will fill in as practices add more actions."),
      h("h3", { class: "nhsuk-heading-s" }, "Key"),
      key(),
      chart(byPrinciple),
      progressTable(byPrinciple),
      paragraph("“None” means there are no such actions."),
      h("h2", { class: "nhsuk-heading-s" }, "About these numbers"),
      disclosureNotes(table, response.stamp),
    ];
  },
};
