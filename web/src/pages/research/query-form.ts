// The form that builds a research query: what to count, how to group it, which values to
// keep, and what to show. Only the choices that apply to the chosen dataset are shown.
import { h } from "../../ui/dom";
import { details, insetText } from "../../ui/components";
import { choices, form, textInput, type ChoiceField, type Field, type FieldError, type TextField } from "../../ui/forms";
import {
  MAX_GROUP_BY, dimensionsOf, filterableDimensions, hasMonths, problemsOf, type DraftField, type QueryDraft,
} from "./query-spec";
import { datasets, measures, type DatasetInfo } from "./vocabulary";

// The controls that belong to one dataset.
interface DatasetSection {
  dataset: DatasetInfo;
  element: HTMLElement;
  groupBy: ChoiceField;
  filters: Array<{ key: string; name: string; field: ChoiceField }>;
  fromMonth: TextField | null;
  toMonth: TextField | null;
  measure: ChoiceField | null;
}

function datasetSection(dataset: DatasetInfo, draft: QueryDraft): DatasetSection {
  const mine = draft.dataset === dataset.key;
  const groupBy = choices({
    kind: "checkboxes",
    label: `Group the ${dataset.units} by`,
    hint: `Choose 1 to ${MAX_GROUP_BY}. Each group gets its own row.`,
    items: dimensionsOf(dataset).map((d) => ({ value: d.key, label: d.name, hint: d.explanation })),
    selected: mine ? draft.groupBy : [],
  });
  const filters = filterableDimensions(dataset).map((d) => ({
    key: d.key,
    name: d.name,
    field: choices({
      kind: "checkboxes", small: true,
      label: d.name,
      hint: "Tick the ones to count. Leave them all unticked to count every one.",
      items: d.values!.map((v) => ({ value: v.key, label: v.label })),
      selected: mine ? draft.filters[d.key] ?? [] : [],
    }),
  }));
  const months = hasMonths(dataset);
  const fromMonth = months ? textInput({ label: "First month", hint: "For example, 2026-03", width: 10, value: mine ? draft.fromMonth : "" }) : null;
  const toMonth = months ? textInput({ label: "Last month", hint: "For example, 2026-11", width: 10, value: mine ? draft.toMonth : "" }) : null;
  const offered = measures.filter((m) => m.datasets.includes(dataset.dataset));
  const measure = offered.length > 1
    ? choices({
      kind: "radios", label: "What to show for each group",
      items: offered.map((m) => ({ value: m.key, label: m.name, hint: m.explanation })),
      selected: [mine ? draft.measure : "count"],
    })
    : null;

  const filterDetails = filters.map(({ key, name, field }) => {
    const element = details(`Filter by ${name.toLowerCase()}`, field.element);
    if (mine && (draft.filters[key]?.length ?? 0) > 0) element.setAttribute("open", "");
    return element;
  });
  const monthDetails = fromMonth && toMonth
    ? details("Limit to a range of months", fromMonth.element, toMonth.element)
    : null;
  if (monthDetails && mine && (draft.fromMonth || draft.toMonth)) monthDetails.setAttribute("open", "");

  const element = h("div", { "data-dataset": dataset.key, hidden: !mine },
    groupBy.element,
    h("h3", { class: "nhsuk-heading-s" }, "Filters (optional)"),
    filterDetails, monthDetails,
    measure ? measure.element : insetText(h("p", {}, `Each group shows how many ${dataset.units} are in it.`)));
  return { dataset, element, groupBy, filters, fromMonth, toMonth, measure };
}

// The form, filled in from `draft`; `onRun` gets the query once it has no problems.
export function queryForm(draft: QueryDraft, onRun: (draft: QueryDraft) => void): HTMLFormElement {
  const datasetField = choices({
    kind: "radios",
    label: "What do you want to count?",
    items: datasets.map((d) => ({ value: d.key, label: d.name, hint: d.explanation })),
    selected: [draft.dataset],
  });
  const sections = datasets.map((d) => datasetSection(d, draft));
  const chosen = () => sections.find((s) => s.dataset.key === datasetField.values()[0]);
  for (const input of datasetField.inputs) {
    input.addEventListener("change", () => {
      for (const s of sections) s.element.hidden = s !== chosen();
    });
  }

  const current = (): QueryDraft => {
    const section = chosen();
    const filters: Record<string, string[]> = {};
    for (const { key, field } of section?.filters ?? []) {
      if (field.values().length > 0) filters[key] = field.values();
    }
    return {
      dataset: section?.dataset.key ?? "",
      groupBy: section?.groupBy.values() ?? [],
      filters,
      measure: section?.measure?.values()[0] ?? "count",
      fromMonth: section?.fromMonth?.value() ?? "",
      toMonth: section?.toMonth?.value() ?? "",
    };
  };
  const fieldOf = (name: DraftField): Field | null => {
    const section = chosen();
    switch (name) {
      case "dataset": return datasetField;
      case "groupBy": return section?.groupBy ?? null;
      case "measure": return section?.measure ?? null;
      case "fromMonth": return section?.fromMonth ?? null;
      case "toMonth": return section?.toMonth ?? null;
    }
  };

  return form({
    fields: [datasetField, ...sections.map((s) => s.element)],
    submitText: "Run query",
    busyText: "Running…",
    validate: (): FieldError[] => problemsOf(current()).map((p) => ({ field: fieldOf(p.field), message: p.message })),
    onSubmit: async () => onRun(current()),
  }).element;
}
