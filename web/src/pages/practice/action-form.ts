// The fields of an action (title, description, principle, area, status, owner, target date,
// where it came from, co-produced), shared by the "add" and "change" pages: a draft of what is
// typed, its checks, the server-field mapping, and which fields differ between two drafts.
import { ActionSource, ActionStatus, type Action } from "../../gen/bridging/actions/v1/actions_pb";
import { Area, Principle } from "../../gen/bridging/common/v1/types_pb";
import { choices, fieldFinder, select, textInput, textarea, type Field, type FieldError } from "../../ui/forms";
import { dateInputValue, formatDate, parseDateInput } from "../../ui/format";
import { actionSources, actionStatuses, areas, principles } from "../../vocabulary";

// What the person has typed, in the form's own terms (the date as "2027-03-31").
export interface ActionDraft {
  title: string;
  description: string;
  principle: Principle;
  area: Area;
  status: ActionStatus;
  ownerRole: string;
  dueDate: string;
  source: ActionSource;
  coProduced: boolean;
}

export function draftOf(action: Action): ActionDraft {
  return {
    title: action.title.trim(),
    description: action.description.trim(),
    principle: action.principle,
    area: action.area,
    status: action.status,
    ownerRole: action.ownerRole.trim(),
    dueDate: dateInputValue(action.dueDate),
    source: action.source,
    coProduced: action.coProduced,
  };
}

// The fields of the draft with the update_mask path of each and how people read it.
export const draftFields: Array<{ key: keyof ActionDraft; path: string; label: string; show(d: ActionDraft): string }> = [
  { key: "title", path: "title", label: "Title", show: (d) => d.title },
  { key: "description", path: "description", label: "Description", show: (d) => d.description || "(none)" },
  { key: "principle", path: "principle", label: "Principle", show: (d) => principles[d.principle].label },
  { key: "area", path: "area", label: "Area", show: (d) => areas[d.area] },
  { key: "status", path: "status", label: "Status", show: (d) => actionStatuses[d.status].label },
  { key: "ownerRole", path: "owner_role", label: "Owner", show: (d) => d.ownerRole },
  { key: "dueDate", path: "due_date", label: "Target date", show: (d) => formatDate(parseDateInput(d.dueDate)) || "(none)" },
  { key: "source", path: "source", label: "Where it came from", show: (d) => actionSources[d.source] },
  { key: "coProduced", path: "co_produced", label: "Shaped with the co-production group", show: (d) => d.coProduced ? "Yes" : "No" },
];

// The update_mask paths of the fields that differ between two drafts.
export function changedPaths(from: ActionDraft, to: ActionDraft): string[] {
  return draftFields.filter((f) => from[f.key] !== to[f.key]).map((f) => f.path);
}

// The draft as the Action fields the service reads.
export function actionValues(draft: ActionDraft) {
  return {
    title: draft.title,
    description: draft.description,
    principle: draft.principle,
    area: draft.area,
    status: draft.status,
    ownerRole: draft.ownerRole,
    dueDate: parseDateInput(draft.dueDate),
    source: draft.source,
    coProduced: draft.coProduced,
  };
}

// The service accepts target dates from five years (of 366 days) back to ten ahead.
function withinRange(value: string): boolean {
  const date = parseDateInput(value);
  if (!date) return false;
  const DAY = 86_400_000;
  const now = new Date();
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  const due = Date.UTC(date.year, date.month - 1, date.day);
  return due >= today - 5 * 366 * DAY && due <= today + 10 * 366 * DAY;
}

export interface ActionForm {
  fields: Field[];
  draft(): ActionDraft;
  validate(): FieldError[];
  fieldFor(serverField: string): Field | null;
}

const principleOrder = [Principle.SAFETY, Principle.TRUSTWORTHINESS_TRANSPARENCY, Principle.PEER_SUPPORT,
  Principle.COLLABORATION_MUTUALITY, Principle.EMPOWERMENT_VOICE_CHOICE, Principle.CULTURAL_HISTORICAL_GENDER];
const areaOrder = [Area.ACCESS_REGISTRATION, Area.APPOINTMENTS, Area.RECEPTION_ENVIRONMENT, Area.STAFF_TRAINING,
  Area.CLINICAL_CARE, Area.COMMUNICATION, Area.PARTNERSHIP];
const sourceOrder = [ActionSource.CO_PRODUCTION_GROUP, ActionSource.PATIENT_FEEDBACK, ActionSource.STAFF,
  ActionSource.AUDIT, ActionSource.UNSPECIFIED];

// `statusChoices` are the actionStatuses offered (a change of status must be one the service allows).
export function actionForm(initial: Partial<ActionDraft>, statusChoices: ActionStatus[]): ActionForm {
  const title = textInput({ label: "Title", hint: "What will change, in a few words, for example Offer a longer first appointment.", value: initial.title, maxLength: 200 });
  const description = textarea({ label: "Description (optional)", hint: "Why it matters and how it will be done. About the change, never about a patient.", value: initial.description, maxLength: 4000, rows: 4 });
  const principle = choices({
    label: "Which trauma-informed principle does it support?", kind: "radios",
    items: principleOrder.map((p) => ({ value: String(p), label: principles[p].label, hint: principles[p].explanation })),
    selected: initial.principle ? [String(initial.principle)] : [],
  });
  const area = select({
    label: "Which part of the practice does it change?",
    choices: [{ value: "0", label: "Choose an area" }, ...areaOrder.map((a) => ({ value: String(a), label: areas[a] }))],
    value: String(initial.area ?? 0),
  });
  const status = choices({
    label: "Status", kind: "radios",
    items: statusChoices.map((s) => ({ value: String(s), label: actionStatuses[s].label, hint: actionStatuses[s].explanation })),
    selected: [String(initial.status ?? ActionStatus.PLANNED)],
  });
  const ownerRole = textInput({ label: "Who owns it", hint: "A role, such as practice manager or reception lead, never a person's name.", value: initial.ownerRole, width: 20, maxLength: 64 });
  const dueDate = textInput({ label: "Target date", hint: "When it should be done by.", type: "date", value: initial.dueDate, width: 10 });
  const source = choices({
    label: "Where did the idea come from?", kind: "radios", small: true,
    items: sourceOrder.map((s) => ({ value: String(s), label: actionSources[s] })),
    selected: [String(initial.source ?? ActionSource.UNSPECIFIED)],
  });
  const coProduced = choices({
    label: "Co-production", kind: "checkboxes",
    items: [{ value: "yes", label: "This action was shaped with the co-production group" }],
    selected: initial.coProduced ? ["yes"] : [],
  });

  const draft = (): ActionDraft => ({
    title: title.value(),
    description: description.value(),
    principle: Number(principle.values()[0] ?? 0),
    area: Number(area.value()),
    status: Number(status.values()[0] ?? ActionStatus.PLANNED),
    ownerRole: ownerRole.value(),
    dueDate: dueDate.value(),
    source: Number(source.values()[0] ?? 0),
    coProduced: coProduced.values().includes("yes"),
  });

  const validate = (): FieldError[] => {
    const d = draft();
    const problems: FieldError[] = [];
    if (d.title === "") problems.push({ field: title, message: "Enter a title for the action" });
    if (d.principle === Principle.UNSPECIFIED) problems.push({ field: principle, message: "Choose the principle the action supports" });
    if (d.area === Area.UNSPECIFIED) problems.push({ field: area, message: "Choose the part of the practice it changes" });
    if (d.ownerRole === "") problems.push({ field: ownerRole, message: "Enter the role that owns the action, for example practice manager" });
    if (d.dueDate === "") problems.push({ field: dueDate, message: "Enter a target date" });
    else if (!parseDateInput(d.dueDate)) problems.push({ field: dueDate, message: "Enter the target date as a real date, for example 31 March 2027" });
    else if (!withinRange(d.dueDate)) problems.push({ field: dueDate, message: "Enter a target date no more than five years ago and no more than ten years ahead" });
    return problems;
  };

  return {
    fields: [title, description, principle, area, status, ownerRole, dueDate, source, coProduced],
    draft,
    validate,
    fieldFor: fieldFinder([
      [["action.title"], title], [["action.description"], description], [["action.principle"], principle],
      [["action.area"], area], [["action.status"], status], [["action.owner_role"], ownerRole],
      [["action.due_date"], dueDate], [["action.source"], source], [["action.co_produced"], coProduced],
    ]),
  };
}

