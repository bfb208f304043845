// The research datasets, dimensions, measures and their values in plain words, with the
// short keys used in page addresses and the labels the analytics service uses in tables.
import type { DescEnum } from "@bufbuild/protobuf";
import { Dataset, Dimension, Measure } from "../../gen/bridging/analytics/v1/analytics_pb";
import { AreaSchema, PrincipleSchema } from "../../gen/bridging/common/v1/types_pb";
import { actionSources, actionStatuses, areas, principles, sourceTypes } from "../../vocabulary";
import {
  ConsentState, ConsentStateSchema, Purpose, PurposeSchema, SourceTypeSchema,
} from "../../gen/bridging/consent/v1/consent_pb";
import { ActionSourceSchema, ActionStatusSchema } from "../../gen/bridging/actions/v1/actions_pb";

// One value a dimension can take.
export interface DimensionValue {
  key: string;     // in page addresses, e.g. "safety"
  server: string;  // in tables and filters, e.g. "PRINCIPLE_SAFETY"
  label: string;   // for people, e.g. "Safety"
  number: number;  // the enum number (1 and 0 for yes and no)
}

export interface DimensionInfo {
  // In page addresses, and the name the service gives the label column (e.g. "principle").
  key: string;
  dimension: Dimension;
  name: string;
  explanation: string;
  // The fixed values, for dimensions that have them (not month or practice).
  values?: DimensionValue[];
}

export interface DatasetInfo {
  key: string;
  dataset: Dataset;
  name: string;
  explanation: string;
  // What one counted unit is, for column headings: "Number of actions".
  units: string;
  dimensions: Dimension[];
}

export interface MeasureInfo {
  key: string;
  measure: Measure;
  name: string;
  explanation: string;
  datasets: Dataset[];
}

// The shared words, as plain labels.
function labelsOf<K extends number>(described: Record<K, { label: string }>): Record<K, string> {
  return Object.fromEntries(Object.entries(described).map(([k, v]) => [k, (v as { label: string }).label])) as Record<K, string>;
}
export const principleLabels = labelsOf(principles);
export const statusLabels = labelsOf(actionStatuses);
export const sourceTypeLabels = labelsOf(sourceTypes);

const purposeLabels: Record<Purpose, string> = {
  [Purpose.UNSPECIFIED]: "Not given",
  [Purpose.GROUP_PARTICIPATION]: "Taking part in the group",
  [Purpose.RESEARCH_USE]: "Use in research",
  [Purpose.QUOTATION]: "Being quoted",
  [Purpose.SHARE_WITH_PRACTICE]: "Sharing with her GP practice",
  [Purpose.CONTACT]: "Being contacted",
};

const consentStateLabels: Record<ConsentState, string> = {
  [ConsentState.UNSPECIFIED]: "Not known",
  [ConsentState.NOT_GIVEN]: "Not given",
  [ConsentState.GIVEN]: "Given",
  [ConsentState.WITHDRAWN]: "Withdrawn",
};

function valuesOf(schema: DescEnum, labels: Record<number, string>): DimensionValue[] {
  return schema.values.filter((v) => v.number !== 0)
    .map((v) => ({ key: v.localName.toLowerCase(), server: v.name, label: labels[v.number], number: v.number }));
}

export const principleValues = valuesOf(PrincipleSchema, principleLabels);
const statusValues = valuesOf(ActionStatusSchema, statusLabels);

export const dimensions: DimensionInfo[] = [
  { key: "theme", dimension: Dimension.THEME, name: "Theme",
    explanation: "The trauma-informed principle a contribution speaks to. A contribution with several themes counts once under each.",
    values: principleValues },
  { key: "source_type", dimension: Dimension.SOURCE_TYPE, name: "Kind of contribution",
    explanation: "A reflective note, an interview, an observation at a group meeting, or feedback.",
    values: valuesOf(SourceTypeSchema, sourceTypeLabels) },
  { key: "principle", dimension: Dimension.PRINCIPLE, name: "Principle",
    explanation: "The trauma-informed principle an action supports.",
    values: principleValues },
  { key: "area", dimension: Dimension.AREA, name: "Part of the practice",
    explanation: "Where the change happens, such as appointments or staff training.",
    values: valuesOf(AreaSchema, areas) },
  { key: "status", dimension: Dimension.STATUS, name: "Progress",
    explanation: "Whether an action is planned, in progress, done, blocked or dropped.",
    values: statusValues },
  { key: "action_source", dimension: Dimension.ACTION_SOURCE, name: "Where the idea came from",
    explanation: "The co-production group, patient feedback, practice staff or an audit.",
    values: valuesOf(ActionSourceSchema, actionSources) },
  { key: "co_produced", dimension: Dimension.CO_PRODUCED, name: "Shaped with women with lived experience",
    explanation: "Whether the action was worked out together with the co-production group.",
    values: [{ key: "true", server: "true", label: "Yes", number: 1 }, { key: "false", server: "false", label: "No", number: 0 }] },
  { key: "purpose", dimension: Dimension.PURPOSE, name: "What she agreed to",
    explanation: "Each use of her information a woman can agree to, such as being quoted.",
    values: valuesOf(PurposeSchema, purposeLabels) },
  { key: "consent_state", dimension: Dimension.CONSENT_STATE, name: "Agreement",
    explanation: "Whether she has given that agreement, never given it, or withdrawn it.",
    values: valuesOf(ConsentStateSchema, consentStateLabels) },
  { key: "practice", dimension: Dimension.PRACTICE, name: "Practice",
    explanation: "Each GP practice, shown by a code rather than its name." },
  { key: "month", dimension: Dimension.MONTH, name: "Month",
    explanation: "The month it happened (for actions, the month the action was added)." },
];

export const datasets: DatasetInfo[] = [
  { key: "actions", dataset: Dataset.ACTIONS, name: "Practice actions", units: "actions",
    explanation: "The changes GP practices have planned or made to become more trauma-informed.",
    dimensions: [Dimension.PRINCIPLE, Dimension.AREA, Dimension.STATUS, Dimension.ACTION_SOURCE,
      Dimension.CO_PRODUCED, Dimension.PRACTICE, Dimension.MONTH] },
  { key: "contributions", dataset: Dataset.CONTRIBUTIONS, name: "Shared contributions", units: "contributions",
    explanation: "Notes, interview excerpts, observations and feedback that women chose to share for research.",
    dimensions: [Dimension.THEME, Dimension.SOURCE_TYPE, Dimension.MONTH, Dimension.PRACTICE] },
  { key: "consent", dataset: Dataset.CONSENT, name: "Women taking part in research", units: "women",
    explanation: "Women whose agreement to research use is in place, by what else they have agreed to.",
    dimensions: [Dimension.PURPOSE, Dimension.CONSENT_STATE] },
];

export const measures: MeasureInfo[] = [
  { key: "count", measure: Measure.COUNT, name: "How many",
    explanation: "The number of actions, contributions or women in each group.",
    datasets: [Dataset.ACTIONS, Dataset.CONTRIBUTIONS, Dataset.CONSENT] },
  { key: "median_days", measure: Measure.MEDIAN_DAYS_TO_DONE, name: "Typical days to finish",
    explanation: "Practice actions only: the middle number of days from adding an action to finishing it, over finished actions.",
    datasets: [Dataset.ACTIONS] },
];

export function dimensionInfo(dimension: Dimension): DimensionInfo | undefined {
  return dimensions.find((d) => d.dimension === dimension);
}

export function dimensionByKey(key: string): DimensionInfo | undefined {
  return dimensions.find((d) => d.key === key);
}

export function datasetInfo(dataset: Dataset): DatasetInfo | undefined {
  return datasets.find((d) => d.dataset === dataset);
}

export function measureInfo(measure: Measure): MeasureInfo | undefined {
  return measures.find((m) => m.measure === measure);
}

const monthFormat = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

// A label from a table (e.g. "PRINCIPLE_SAFETY", "2026-11", a practice code) in plain words.
export function labelFor(columnKey: string, serverLabel: string): string {
  const info = dimensionByKey(columnKey);
  const known = info?.values?.find((v) => v.server === serverLabel);
  if (known) return known.label;
  if (columnKey === "month") {
    const match = /^(\d{4})-(\d{2})$/.exec(serverLabel);
    if (match) return monthFormat.format(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1)));
  }
  // Practices are pseudonyms: a short, stable code is enough to tell them apart.
  if (columnKey === "practice") return `Practice ${serverLabel.slice(0, 8)}`;
  return serverLabel;
}

// A column heading for a label column ("principle") in plain words.
export function columnName(columnKey: string): string {
  return dimensionByKey(columnKey)?.name ?? columnKey;
}
