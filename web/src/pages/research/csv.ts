// Tables as CSV files made in the browser: values quoted where needed, and text that a
// spreadsheet would run as a formula (starting = + - @) defused with a leading apostrophe.
import { h } from "../../ui/dom";

export type CsvValue = string | number;

// One field: numbers as they are; text defused and quoted when it holds a comma, quote or line break.
export function csvField(value: CsvValue): string {
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: string[], rows: CsvValue[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

// The object URL of the last file offered, released when the next one is made.
let offered: string | null = null;

// A link that saves `csv` as `fileName`. The file never leaves the browser until saved.
export function csvDownloadLink(csv: string, fileName: string, text: string): HTMLAnchorElement {
  if (offered) URL.revokeObjectURL(offered);
  offered = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  return h("a", { class: "nhsuk-link", href: offered, download: fileName }, text);
}
