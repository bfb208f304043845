// The framework matrix: contributions by theme (rows) and kind of contribution (columns) as
// a heat map table. Every cell prints its number or "withheld"; the shading is a second cue.
import type { Route } from "../../router";
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import type { Cell, Table } from "../../gen/bridging/common/v1/table_pb";
import { newRequestId } from "../../api/client";
import { h } from "../../ui/dom";
import { heading, paragraph } from "../../ui/components";
import { cellContent, disclosureNotes } from "./disclosure";
import { columnName, labelFor } from "./vocabulary";

const LEVELS = 4;

// Shade 0 for nothing, 1-4 by quarter of the largest number shown.
function levelOf(value: number, largest: number): number {
  if (value <= 0 || largest <= 0) return 0;
  return Math.min(LEVELS, Math.max(1, Math.ceil((value / largest) * LEVELS)));
}

function heatCell(cell: Cell | undefined, largest: number): HTMLElement {
  const shade = !cell || cell.suppressed ? "bridging-heat__withheld" : `bridging-heat__${levelOf(cell.value, largest)}`;
  return h("td", { class: `nhsuk-table__cell bridging-heat__cell ${shade}` }, cellContent(cell));
}

function totalCell(cell: Cell | undefined): HTMLElement {
  return h("td", { class: "nhsuk-table__cell bridging-heat__cell" }, h("strong", {}, cellContent(cell)));
}

function heatTable(table: Table, largest: number): HTMLElement {
  const rowKey = table.rowDimensions[0] ?? "theme";
  return h("div", { class: "nhsuk-table-container bridging-heat" },
    h("table", { class: "nhsuk-table", "data-testid": "framework-matrix" },
      h("caption", { class: "nhsuk-table__caption nhsuk-table__caption--m" }, "Contributions by theme and kind of contribution"),
      h("thead", { class: "nhsuk-table__head" },
        h("tr", { class: "nhsuk-table__row" },
          h("th", { scope: "col", class: "nhsuk-table__header" }, columnName(rowKey)),
          table.columns.map((c) => h("th", { scope: "col", class: "nhsuk-table__header" }, labelFor("source_type", c))),
          table.hasTotals ? h("th", { scope: "col", class: "nhsuk-table__header" }, "All kinds") : null)),
      h("tbody", { class: "nhsuk-table__body" },
        table.rows.map((row) => h("tr", { class: "nhsuk-table__row" },
          h("th", { scope: "row", class: "nhsuk-table__header" }, labelFor(rowKey, row.labels[0] ?? "")),
          row.cells.map((cell) => heatCell(cell, largest)),
          table.hasTotals ? totalCell(row.total) : null)),
        table.hasTotals
          ? h("tr", { class: "nhsuk-table__row" },
            h("th", { scope: "row", class: "nhsuk-table__header" }, "All themes"),
            table.columnTotals.map(totalCell),
            totalCell(table.grandTotal))
          : null)));
}

// What each shade means, in numbers, and the pattern for withheld cells.
function legend(largest: number): HTMLElement {
  const step = largest / LEVELS;
  const range = (level: number) => {
    const low = Math.floor(step * (level - 1)) + 1;
    const high = Math.floor(step * level);
    return low >= high ? `${high}` : `${low} to ${high}`;
  };
  const item = (shade: string, text: string) => h("li", {}, h("span", { class: `bridging-key ${shade}`, "aria-hidden": "true" }), text);
  return h("div", { class: "bridging-heat" },
    h("h2", { class: "nhsuk-heading-s" }, "Key to the shading"),
    h("ul", { class: "nhsuk-list", "data-testid": "heat-legend" },
      item("bridging-heat__0", "White: none"),
      largest > 0
        ? Array.from({ length: LEVELS }, (_, i) => item(`bridging-heat__${i + 1}`,
          `${["Palest blue", "Light blue", "Mid blue", "Dark blue"][i]}: ${range(i + 1)} contributions`))
        : item("bridging-heat__1", "Blue shades: larger numbers are darker (no number is shown in this matrix yet)"),
      item("bridging-heat__withheld", "Striped: withheld (the number is held back, not zero)")));
}

export const matrixRoute: Route = {
  path: "/research/matrix",
  title: "Framework matrix",
  roles: [Role.RESEARCHER],
  nav: "Framework matrix",
  description: "Shared contributions by theme and kind, as a heat map for framework analysis.",
  render: async ({ session }) => {
    const matrix = await session.clients.analytics.getFrameworkMatrix({ parent: session.organization, requestId: newRequestId() });
    const table = matrix.table;
    if (!table) throw new Error("the matrix came back empty");
    const shown = table.rows.flatMap((r) => r.cells).filter((c) => !c.suppressed).map((c) => c.value);
    const largest = Math.max(0, ...shown);
    return [
      heading("Framework matrix"),
      paragraph("How many shared contributions speak to each trauma-informed principle, by kind of contribution. ",
        "A contribution with several themes counts under each, so the rows can add up to more than the total."),
      paragraph("Each time this page is shown, it is recorded in your team's query log like any query."),
      heatTable(table, largest),
      legend(largest),
      h("h2", { class: "nhsuk-heading-s" }, "About these numbers"),
      disclosureNotes(table, matrix.stamp),
    ];
  },
};
