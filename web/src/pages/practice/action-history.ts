// An action's append-only history (ListActionHistory) in plain words: when, who (as a role)
// and what happened, built from the entry's fields rather than the service's terse summary.
import { ActionHistoryEventType, type ActionHistoryEntry } from "../../gen/bridging/actions/v1/actions_pb";
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import { table } from "../../ui/components";
import { formatTime } from "../../ui/format";
import { actionStatuses } from "../../vocabulary";

const fieldWords: Record<string, string> = {
  title: "title",
  description: "description",
  principle: "principle",
  area: "area",
  status: "status",
  owner_role: "owner",
  due_date: "target date",
  completion_date: "date it was done",
  source: "where it came from",
  co_produced: "co-production",
  progress_notes: "progress notes",
};

// ["title", "owner", "target date"] -> "title, owner and target date"
function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

export function historyWords(entry: ActionHistoryEntry): string {
  const status = (s: number) => `“${actionStatuses[s as keyof typeof actionStatuses]?.label ?? "Not recorded"}”`;
  const others = entry.changedFields.filter((f) => f !== "status").map((f) => fieldWords[f] ?? "other details");
  switch (entry.type) {
    case ActionHistoryEventType.CREATED:
      return `Added to the plan as ${status(entry.newStatus)}`;
    case ActionHistoryEventType.STATUS_CHANGED:
      return `Status changed from ${status(entry.previousStatus)} to ${status(entry.newStatus)}${others.length ? `; also changed the ${list(others)}` : ""}`;
    case ActionHistoryEventType.UPDATED:
      return others.length ? `Changed the ${list(others)}` : "Changed";
    case ActionHistoryEventType.NOTE_ADDED:
      return "Added a progress note";
    default:
      return "A change was recorded";
  }
}

function who(entry: ActionHistoryEntry): string {
  if (entry.actorRole) return entry.actorRole;
  return entry.callerRole === Role.PRACTICE ? "Someone at the practice (role not recorded)" : "Not recorded";
}

export function historyTable(entries: ActionHistoryEntry[]): HTMLElement {
  return table({
    caption: "Every change to this action, oldest first",
    captionSize: "s",
    head: ["When", "Who", "What happened"],
    rows: entries.map((e) => [formatTime(e.eventTime), who(e), historyWords(e)]),
  });
}
