// Reads what the plan pages show: all of a plan's actions, page by page, and an action's
// whole history, so a long plan or history is never cut off silently.
import type { Action, ActionHistoryEntry } from "../../gen/bridging/actions/v1/actions_pb";
import { readAllPages } from "../../api/pages";
import type { Session } from "../../session";

// A plan holds at most 1,000 actions, so the pages are few.
const PAGE_SIZE = 500;

export function listAllActions(session: Session, plan: string): Promise<Action[]> {
  return readAllPages(
    (pageToken) => session.clients.actions.listActions({ parent: plan, pageSize: PAGE_SIZE, pageToken }),
    (page) => page.actions,
  );
}

export function listAllHistory(session: Session, action: string): Promise<ActionHistoryEntry[]> {
  return readAllPages(
    (pageToken) => session.clients.actions.listActionHistory({ name: action, pageSize: PAGE_SIZE, pageToken }),
    (page) => page.entries,
  );
}
