// Which status changes the service allows for an action, in the shared words for statuses.
import { ActionStatus } from "../../gen/bridging/actions/v1/actions_pb";
import { actionStatuses as statuses } from "../../vocabulary";

// The statuses an action may move to from `from` (itself included), as the service allows:
// a done action is reopened before it is dropped, a dropped one is taken up again first.
export function allowedStatuses(from: ActionStatus): ActionStatus[] {
  const all = [ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.BLOCKED, ActionStatus.DROPPED];
  if (from === ActionStatus.DONE) return all.filter((s) => s !== ActionStatus.DROPPED);
  if (from === ActionStatus.DROPPED) return [ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DROPPED];
  return all;
}

// Why a status change is not possible, in plain words; null when it is.
export function statusChangeProblem(from: ActionStatus, to: ActionStatus): string | null {
  if (allowedStatuses(from).includes(to)) return null;
  return from === ActionStatus.DONE
    ? `A done action cannot be dropped straight away. Reopen it first (choose “${statuses[ActionStatus.IN_PROGRESS].label}” or “${statuses[ActionStatus.PLANNED].label}”), save, then drop it.`
    : `A dropped action can only be taken up again as “${statuses[ActionStatus.PLANNED].label}” or “${statuses[ActionStatus.IN_PROGRESS].label}”.`;
}
