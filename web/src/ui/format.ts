// Dates, times and protobuf enum values as people read them (en-GB), and back.
import type { DescEnum } from "@bufbuild/protobuf";
import { timestampDate, type Timestamp } from "@bufbuild/protobuf/wkt";
import { create } from "@bufbuild/protobuf";
import { DateSchema, type Date as ProtoDate } from "../gen/bridging/common/v1/types_pb";

const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric" });
const monthFormat = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat("en-GB", {
  day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit",
});

// "31 March 2027"; "" for an unset date. A day of 0 means the whole month ("March 2027").
export function formatDate(date: ProtoDate | undefined): string {
  if (!date || date.year === 0) return "";
  if (date.day === 0) {
    return monthFormat.format(new Date(date.year, date.month - 1, 1));
  }
  return dateFormat.format(new Date(date.year, date.month - 1, date.day));
}

// "21 November 2026, 14:05"; "" for an unset timestamp.
export function formatTime(timestamp: Timestamp | undefined): string {
  return timestamp ? dateTimeFormat.format(timestampDate(timestamp)) : "";
}

// An <input type="date"> value ("2027-03-31") as a proto Date; undefined when empty or invalid.
export function parseDateInput(value: string): ProtoDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (!match) return undefined;
  return create(DateSchema, { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) });
}

// A proto Date as an <input type="date"> value.
export function dateInputValue(date: ProtoDate | undefined): string {
  if (!date || date.year === 0) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

// Today (local), `days` ahead, as a proto Date.
export function daysFromToday(days: number): ProtoDate {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return create(DateSchema, { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate() });
}

// True when `date` is before today.
export function isPast(date: ProtoDate | undefined): boolean {
  if (!date || date.year === 0) return false;
  return compare(date, daysFromToday(0)) < 0;
}

function compare(a: ProtoDate, b: ProtoDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

// The values of a proto enum other than its UNSPECIFIED zero, in declaration order.
export function enumValues(desc: DescEnum): number[] {
  return desc.values.filter((v) => v.number !== 0).map((v) => v.number);
}

// A readable fallback label for an enum value: PRINCIPLE_PEER_SUPPORT -> "Peer support".
// Pages give plain-language labels of their own where the words matter.
export function enumLabel(desc: DescEnum, value: number): string {
  const found = desc.values.find((v) => v.number === value);
  if (!found) return "Unknown";
  const words = found.localName.replace(/_/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
