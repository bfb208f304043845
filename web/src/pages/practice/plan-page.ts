// One action plan: the summary (with what is overdue), the actions as a board by status or
// by principle, and, for the owning practice, adding actions and sharing with the charity.
// A charity the plan is shared with sees the same page without any of the changes.
import { ActionPlanService } from "../../gen/bridging/actions/v1/actions_pb";
import { mayCall } from "../../api/policy";
import type { PageContext } from "../../router";
import { h, type Child } from "../../ui/dom";
import { backLink, buttonLink, heading, insetText, paragraph } from "../../ui/components";
import { listAllActions } from "./actions-data";
import type { PlanLinks } from "./links";
import { boardViewFrom, planBoard } from "./plan-board";
import { planSharing } from "./plan-sharing";
import { planSummary } from "./plan-summary";

export async function renderPlanPage(context: PageContext, name: string, links: PlanLinks, caption: string): Promise<Child> {
  const client = context.session.clients.actions;
  const [plan, summary, actions] = await Promise.all([
    client.getPlan({ name }),
    client.getPlanSummary({ name }),
    listAllActions(context.session, name),
  ]);
  const mayAdd = mayCall(context.session.role, ActionPlanService.method.createAction) && links.newAction;
  return [
    backLink(`#${links.plans(name)}`, "All plans"),
    heading(plan.title, caption),
    plan.description ? paragraph(plan.description) : null,
    mayAdd ? null : insetText(h("p", {}, "This plan is shared with you to read. Only the practice can change it.")),
    mayAdd ? buttonLink(`#${links.newAction!(name)}`, "Add an action") : null,
    planSummary(summary, actions, links),
    planBoard(actions, links, links.plan(name), boardViewFrom(context.query)),
    planSharing(plan, context),
  ];
}
