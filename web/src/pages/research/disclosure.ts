// How a disclosure-controlled answer is shown: withheld cells marked in words, and a plain
// explanation of what was held back and why, how numbers were rounded and when the answer
// was worked out (as of which consent change).
import type { AnswerStamp } from "../../gen/bridging/analytics/v1/analytics_pb";
import { SuppressionReason, type Cell, type Table } from "../../gen/bridging/common/v1/table_pb";
import { h } from "../../ui/dom";
import { formatTime } from "../../ui/format";

// The defaults the service documents, for answers whose stamp leaves them out.
const DEFAULT_THRESHOLD = 7;
const DEFAULT_ROUNDING = 5;

// A few words on why one cell is withheld, printed beside the word "withheld".
export function withheldReason(reason: SuppressionReason): string {
  switch (reason) {
    case SuppressionReason.BELOW_THRESHOLD: return "small number";
    case SuppressionReason.SECONDARY: return "protects another number";
    case SuppressionReason.DIFFERENCING: return "set against an earlier answer";
    default: return "held back";
  }
}

// What a table cell shows: its value, or the word "withheld" with its reason.
export function cellContent(cell: Cell | undefined, format: (value: number) => string = String): Node {
  if (!cell) return document.createTextNode("none");
  if (cell.suppressed) {
    return h("span", { class: "bridging-withheld" }, "withheld",
      h("span", { class: "nhsuk-u-font-size-16" }, ` (${withheldReason(cell.reason)})`));
  }
  return document.createTextNode(format(cell.value));
}

// Every cell of a table, totals included.
export function allCells(table: Table): Cell[] {
  const cells: Cell[] = [];
  for (const row of table.rows) {
    cells.push(...row.cells);
    if (row.total) cells.push(row.total);
  }
  cells.push(...table.columnTotals);
  if (table.grandTotal) cells.push(table.grandTotal);
  return cells;
}

export function thresholdOf(stamp: AnswerStamp | undefined): number {
  return stamp?.policy?.threshold || DEFAULT_THRESHOLD;
}

// "About these numbers": what was withheld and why, rounding, noise, and the answer's stamp.
export function disclosureNotes(table: Table, stamp: AnswerStamp | undefined): HTMLElement {
  const cells = allCells(table);
  const withheld = cells.filter((c) => c.suppressed);
  const reasons = new Set(withheld.map((c) => c.reason));
  const threshold = thresholdOf(stamp);
  const rounding = stamp?.policy?.roundingBase || DEFAULT_ROUNDING;
  const notes: HTMLElement[] = [];

  notes.push(h("p", { class: "nhsuk-body", "data-testid": "withheld-count" }, withheld.length === 0
    ? "No numbers in this table are withheld."
    : `${withheld.length} of the ${cells.length} numbers in this table ${withheld.length === 1 ? "is" : "are"} withheld. A withheld number is not zero: it is held back.`));

  const items: HTMLElement[] = [
    h("li", {}, h("strong", {}, "Small numbers are withheld. "),
      `Any count of ${threshold} or fewer, or with ${threshold} or fewer people behind it, is held back so that nobody can be recognised.`),
  ];
  if (reasons.has(SuppressionReason.SECONDARY)) {
    items.push(h("li", {}, h("strong", {}, "Some numbers protect others. "),
      "They are held back because, together with a total, they would let someone work out a number that was withheld."));
  }
  if (reasons.has(SuppressionReason.DIFFERENCING) || stamp?.coarsened) {
    items.push(h("li", {}, h("strong", {}, "Some numbers were set against an earlier answer. "),
      `Your team has been given an answer before that overlaps with this one. Subtracting one from the other would show a group of ${threshold} or fewer, so those numbers are held back.`));
  }
  items.push(h("li", {}, h("strong", {}, "Counts are rounded. "), rounding > 1
    ? `Counts are rounded to the nearest ${rounding}, so, for example, 8 shows as ${Math.round(8 / rounding) * rounding}.`
    : "Counts are not rounded."));
  if (stamp?.policy?.epsilon !== undefined || cells.some((c) => c.noised)) {
    items.push(h("li", {}, h("strong", {}, "A little randomness was added. "),
      `A small random amount was added to each count before rounding, so that repeated questions cannot single anyone out. This answer used ${formatBudget(stamp?.epsilonSpent ?? 0)} of your team's privacy budget.`));
  }
  notes.push(h("ul", { class: "nhsuk-list nhsuk-list--bullet" }, items));
  if (stamp) notes.push(stampText(stamp));
  return h("div", { "data-testid": "disclosure-notes" }, notes);
}

// When the answer was worked out and which consent changes it reflects.
export function stampText(stamp: AnswerStamp): HTMLElement {
  return h("p", { class: "nhsuk-body", "data-testid": "answer-stamp" },
    `Worked out on ${formatTime(stamp.computeTime)}. It takes account of every consent change recorded up to then `,
    `(change number ${stamp.consentWatermark.toString()}), so anyone who had withdrawn by then is not counted. `,
    stamp.queryId ? `Your team's query log keeps this answer under the reference ${stamp.queryId}.` : "");
}

// A budget amount with at most three decimal places ("0.5", "10").
export function formatBudget(amount: number): string {
  return String(Math.round(amount * 1000) / 1000);
}
