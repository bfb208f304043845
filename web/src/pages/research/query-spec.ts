// A research query as it is kept in the page address (so it can be bookmarked and run
// again): reading it back, checking it, and turning it into a QueryRequest.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { QueryRequestSchema } from "../../gen/bridging/analytics/v1/analytics_pb";
import {
  datasets, dimensionByKey, dimensionInfo, measures, type DatasetInfo, type DimensionInfo, type MeasureInfo,
} from "./vocabulary";

export const QUERY_PATH = "/research/query";

// The query as keys (e.g. dataset "actions", group-by ["principle", "status"]).
export interface QueryDraft {
  dataset: string;
  groupBy: string[];
  // Dimension key -> value keys; only dimensions with fixed values.
  filters: Record<string, string[]>;
  measure: string;
  // "YYYY-MM" or "".
  fromMonth: string;
  toMonth: string;
}

export const MAX_GROUP_BY = 3;

// Address parameters: dataset, by (comma-separated dimensions), measure, from, to, and one
// parameter per filtered dimension (comma-separated values), e.g.
// /research/query?dataset=actions&by=principle,status&status=done,in_progress
export function draftFromAddress(query: URLSearchParams): QueryDraft {
  const list = (name: string) => (query.get(name) ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const filters: Record<string, string[]> = {};
  for (const info of filterableDimensions(datasetByKey(query.get("dataset") ?? ""))) {
    const values = list(info.key);
    if (values.length > 0) filters[info.key] = values;
  }
  return {
    dataset: query.get("dataset") ?? "",
    groupBy: list("by"),
    filters,
    measure: query.get("measure") ?? "count",
    fromMonth: query.get("from") ?? "",
    toMonth: query.get("to") ?? "",
  };
}

export function addressOf(draft: QueryDraft): string {
  const params = new URLSearchParams();
  params.set("dataset", draft.dataset);
  params.set("by", draft.groupBy.join(","));
  if (draft.measure && draft.measure !== "count") params.set("measure", draft.measure);
  for (const [key, values] of Object.entries(draft.filters)) {
    if (values.length > 0) params.set(key, values.join(","));
  }
  if (draft.fromMonth) params.set("from", draft.fromMonth);
  if (draft.toMonth) params.set("to", draft.toMonth);
  // Commas read better than %2C in an address people may copy.
  return `${QUERY_PATH}?${params.toString().replace(/%2C/g, ",")}`;
}

// True when the address asks for a query to be run (not just the empty form).
export function isComplete(draft: QueryDraft): boolean {
  return draft.dataset !== "" && draft.groupBy.length > 0;
}

export function datasetByKey(key: string): DatasetInfo | undefined {
  return datasets.find((d) => d.key === key);
}

export function measureByKey(key: string): MeasureInfo | undefined {
  return measures.find((m) => m.key === key);
}

export function dimensionsOf(dataset: DatasetInfo | undefined): DimensionInfo[] {
  return (dataset?.dimensions ?? []).map(dimensionInfo).filter((d): d is DimensionInfo => d !== undefined);
}

// Dimensions offered as tick-box filters: those with fixed values.
export function filterableDimensions(dataset: DatasetInfo | undefined): DimensionInfo[] {
  return dimensionsOf(dataset).filter((d) => d.values);
}

export function hasMonths(dataset: DatasetInfo | undefined): boolean {
  return dimensionsOf(dataset).some((d) => d.key === "month");
}

// A whole month, as the service's Date with day 0.
export interface Month { year: number; month: number; day: 0 }

// "2026-03" as a Month; undefined when empty or not a month.
export function parseMonth(value: string): Month | undefined {
  const match = /^(\d{4})-(\d{1,2})$/.exec(value.trim());
  if (!match) return undefined;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return undefined;
  return { year: Number(match[1]), month, day: 0 };
}

export type DraftField = "dataset" | "groupBy" | "measure" | "fromMonth" | "toMonth";

// What is wrong with a draft, by field, in plain words; empty when it can be run.
export function problemsOf(draft: QueryDraft): Array<{ field: DraftField; message: string }> {
  const problems: Array<{ field: DraftField; message: string }> = [];
  const dataset = datasetByKey(draft.dataset);
  if (!dataset) {
    problems.push({ field: "dataset", message: "Choose what to count" });
    return problems;
  }
  const allowed = new Set(dimensionsOf(dataset).map((d) => d.key));
  if (draft.groupBy.length === 0) problems.push({ field: "groupBy", message: "Choose at least one way to group the numbers" });
  else if (draft.groupBy.length > MAX_GROUP_BY) problems.push({ field: "groupBy", message: `Choose no more than ${MAX_GROUP_BY} ways to group the numbers` });
  else if (draft.groupBy.some((k) => !allowed.has(k))) problems.push({ field: "groupBy", message: `Choose ways to group that apply to ${dataset.name.toLowerCase()}` });
  const measure = measureByKey(draft.measure);
  if (!measure || !measure.datasets.includes(dataset.dataset)) {
    problems.push({ field: "measure", message: `Choose what to show for ${dataset.name.toLowerCase()}` });
  }
  if (draft.fromMonth && !parseMonth(draft.fromMonth)) problems.push({ field: "fromMonth", message: "Enter the first month as a year and month, like 2026-03" });
  if (draft.toMonth && !parseMonth(draft.toMonth)) problems.push({ field: "toMonth", message: "Enter the last month as a year and month, like 2026-11" });
  const from = parseMonth(draft.fromMonth);
  const to = parseMonth(draft.toMonth);
  if (from && to && from.year * 12 + from.month > to.year * 12 + to.month) {
    problems.push({ field: "toMonth", message: "The last month must be the same as or after the first month" });
  }
  return problems;
}

// The request for a draft that has no problems.
export function requestOf(draft: QueryDraft, parent: string, requestId: string): MessageInitShape<typeof QueryRequestSchema> {
  const dataset = datasetByKey(draft.dataset)!;
  const filters = Object.entries(draft.filters).flatMap(([key, values]) => {
    const info = dimensionByKey(key);
    if (!info?.values || values.length === 0) return [];
    const server = values.map((v) => info.values!.find((x) => x.key === v)?.server ?? v);
    return [{ dimension: info.dimension, values: server }];
  });
  return {
    parent,
    dataset: dataset.dataset,
    groupBy: draft.groupBy.map((k) => dimensionByKey(k)!.dimension),
    filters,
    measure: measureByKey(draft.measure)!.measure,
    fromMonth: parseMonth(draft.fromMonth),
    toMonth: parseMonth(draft.toMonth),
    requestId,
  };
}
