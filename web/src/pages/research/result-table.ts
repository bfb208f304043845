// A query's answer as an accessible table (withheld cells marked in words) and as the rows
// of its CSV file (withheld cells empty, with a withheld flag and the reason).
import type { Table } from "../../gen/bridging/common/v1/table_pb";
import { h } from "../../ui/dom";
import { table as nhsTable } from "../../ui/components";
import { cellContent, withheldReason } from "./disclosure";
import { columnName, labelFor, type DatasetInfo } from "./vocabulary";
import type { CsvValue } from "./csv";

// The heading of a cell column: a measure name ("count") or a value of the column dimension.
function cellColumnName(column: string, dataset: DatasetInfo | undefined): string {
  if (column === "count") return `Number of ${dataset?.units ?? "items"}`;
  if (column === "median_days_to_done") return "Typical days to finish";
  return column;
}

// Whole numbers as they are; medians to one decimal place.
export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

export function resultTable(result: Table, dataset: DatasetInfo | undefined, caption = "Results"): HTMLElement {
  const labelCount = result.rowDimensions.length;
  const head = [
    ...result.rowDimensions.map(columnName),
    ...result.columns.map((c) => cellColumnName(c, dataset)),
    ...(result.hasTotals ? ["Total"] : []),
  ];
  const rows = result.rows.map((row) => [
    ...row.labels.map((label, i) => labelFor(result.rowDimensions[i], label)),
    ...row.cells.map((cell) => cellContent(cell, formatValue)),
    ...(result.hasTotals ? [cellContent(row.total, formatValue)] : []),
  ]);
  if (result.hasTotals) {
    rows.push([
      "Total", ...Array.from({ length: labelCount - 1 }, () => ""),
      ...result.columnTotals.map((cell) => cellContent(cell, formatValue)),
      cellContent(result.grandTotal, formatValue),
    ]);
  }
  const numeric = head.map((_, i) => i).filter((i) => i >= labelCount);
  const container = nhsTable({ caption, head, rows, numeric, rowHeaders: true });
  container.querySelector("table")!.setAttribute("data-testid", "query-results");
  return container;
}

// The CSV header and rows of an answer. A withheld cell is written as an empty value, with
// "yes" in its withheld column and the reason beside it.
export function resultCsv(result: Table, dataset: DatasetInfo | undefined): { header: string[]; rows: CsvValue[][] } {
  const names = result.columns.map((c) => cellColumnName(c, dataset));
  const header = [...result.rowDimensions.map(columnName),
    ...names.flatMap((name) => [name, `${name}: withheld`, `${name}: why withheld`])];
  const rows = result.rows.map((row) => [
    ...row.labels.map((label, i) => labelFor(result.rowDimensions[i], label)),
    ...row.cells.flatMap((cell): CsvValue[] => cell.suppressed
      ? ["", "yes", withheldReason(cell.reason)]
      : [cell.value, "no", ""]),
  ]);
  return { header, rows };
}

// One line saying how big the answer is, for people who skim.
export function resultSummary(result: Table): HTMLElement {
  const withheld = result.rows.reduce((n, row) => n + row.cells.filter((c) => c.suppressed).length, 0);
  return h("p", { class: "nhsuk-body" },
    `${result.rows.length} ${result.rows.length === 1 ? "group" : "groups"}; `,
    withheld === 0 ? "every number is shown." : `${withheld} withheld.`);
}
