// A plan's actions as a board with one column per status or one per trauma-informed
// principle. The choice is kept in the address (?view=principle) so it survives a reload,
// and switching redraws only the board, leaving focus on the link that was used.
import { ActionStatus, type Action } from "../../gen/bridging/actions/v1/actions_pb";
import { Principle } from "../../gen/bridging/common/v1/types_pb";
import { h, replaceChildren, uniqueId } from "../../ui/dom";
import { actionCard } from "./action-card";
import { actionStatuses, principles } from "../../vocabulary";
import type { PlanLinks } from "./links";

export type BoardView = "status" | "principle";

const views: Array<{ view: BoardView; label: string }> = [
  { view: "status", label: "by status" },
  { view: "principle", label: "by principle" },
];

export function boardViewFrom(query: URLSearchParams): BoardView {
  return query.get("view") === "principle" ? "principle" : "status";
}

interface Column { title: string; explanation: string; actions: Action[] }

function columns(actions: Action[], view: BoardView): Column[] {
  if (view === "status") {
    return [ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED, ActionStatus.DONE, ActionStatus.DROPPED]
      .map((status) => ({
        title: actionStatuses[status].label,
        explanation: actionStatuses[status].explanation,
        actions: actions.filter((a) => a.status === status),
      }));
  }
  return [Principle.SAFETY, Principle.TRUSTWORTHINESS_TRANSPARENCY, Principle.PEER_SUPPORT,
    Principle.COLLABORATION_MUTUALITY, Principle.EMPOWERMENT_VOICE_CHOICE, Principle.CULTURAL_HISTORICAL_GENDER]
    .map((principle) => ({
      title: principles[principle].label,
      explanation: principles[principle].explanation,
      actions: actions.filter((a) => a.principle === principle),
    }));
}

function column(col: Column, links: PlanLinks, view: BoardView): HTMLElement {
  const headingId = uniqueId("board-column");
  const count = col.actions.length;
  return h("section", { class: "bridging-board__column", "aria-labelledby": headingId },
    h("h3", { class: "nhsuk-heading-s nhsuk-u-margin-bottom-1", id: headingId },
      col.title, h("span", { class: "nhsuk-u-font-weight-normal" }, ` (${count} ${count === 1 ? "action" : "actions"})`)),
    h("p", { class: "nhsuk-body-s" }, col.explanation),
    count === 0
      ? h("p", { class: "nhsuk-body-s nhsuk-u-secondary-text-colour" }, "None.")
      : h("ul", { class: "bridging-board__cards" },
          col.actions.map((a) => h("li", {}, actionCard(a, links, view === "status" ? "principle" : "status")))));
}

// The board section: its heading, the switch between the two arrangements and the columns.
// `path` is the page's own address without a query.
export function planBoard(actions: Action[], links: PlanLinks, path: string, initial: BoardView): HTMLElement {
  const switchArea = h("p", { class: "nhsuk-body" });
  // Announces the new arrangement to screen-reader users, whose focus stays on the switch.
  const announcement = h("p", { class: "nhsuk-u-visually-hidden", role: "status" });
  const board = h("div", { class: "bridging-board" });
  const draw = (view: BoardView, switched: boolean) => {
    const switchLinks = views.map((v) => h("a", {
      class: v.view === view ? "nhsuk-link nhsuk-u-font-weight-bold" : "nhsuk-link",
      href: `#${path}?view=${v.view}`,
      "aria-current": v.view === view ? "true" : false,
      onclick: (event: Event) => {
        event.preventDefault();
        // Keeps the choice in the address without a new render of the whole page.
        history.replaceState(history.state, "", `#${path}?view=${v.view}`);
        draw(v.view, true);
      },
    }, v.label));
    replaceChildren(switchArea, "Arrange the actions ", switchLinks[0], " or ", switchLinks[1], ".");
    replaceChildren(board, columns(actions, view).map((c) => column(c, links, view)));
    if (switched) {
      announcement.textContent = `The actions are now arranged ${views.find((v) => v.view === view)!.label}.`;
      switchLinks[views.findIndex((v) => v.view === view)].focus();
    }
  };
  draw(initial, false);
  return h("section", { "aria-labelledby": "plan-board-heading" },
    h("h2", { class: "nhsuk-heading-m", id: "plan-board-heading" }, "Actions"),
    actions.length === 0
      ? h("p", { class: "nhsuk-body" }, "There are no actions in this plan yet.")
      : [h("nav", { "aria-label": "Arrange the actions" }, switchArea), announcement, board]);
}
