// Reads what the plan pages show: all of a plan's actions, page by page, and an action's
// whole history, so a long plan or history is never cut off silently.
import type { Action, ActionHistoryEntry } from "../../gen/bridging/actions/v1/actions_pb";
import type { Session } from "../../session";

// A plan holds at most 1,000 actions, so the pages are few.
const PAGE_SIZE = 500;

export async function listAllActions(session: Session, plan: string): Promise<Action[]> {
  let actions: Action[] = [];
  let pageToken = "";
  do {
    const response = await session.clients.actions.listActions({ parent: plan, pageSize: PAGE_SIZE, pageToken });
    actions = actions.concat(response.actions);
    pageToken = response.nextPageToken;
  } while (pageToken);
  return actions;
}

export async function listAllHistory(session: Session, action: string): Promise<ActionHistoryEntry[]> {
  let entries: ActionHistoryEntry[] = [];
  let pageToken = "";
  do {
    const response = await session.clients.actions.listActionHistory({ name: action, pageSize: PAGE_SIZE, pageToken });
    entries = entries.concat(response.entries);
    pageToken = response.nextPageToken;
  } while (pageToken);
  return entries;
}
