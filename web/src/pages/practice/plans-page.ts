// The practice's action plans (ListPlans), with a way to start a new one.
import { ActionPlanService, type Plan } from "../../gen/bridging/actions/v1/actions_pb";
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import { readAllPages } from "../../api/pages";
import { mayCall } from "../../api/policy";
import type { Route } from "../../router";
import { h } from "../../ui/dom";
import { buttonLink, heading, paragraph, table } from "../../ui/components";
import { formatTime } from "../../ui/format";
import { practiceLinks } from "./links";

export const plansRoute: Route = {
  path: "/practice/plans",
  title: "Action plans",
  nav: "Action plans",
  description: "Your trauma-informed action plans: what you will change, who owns it and how it is going.",
  roles: [Role.PRACTICE],
  render: async ({ session }) => {
    const plans: Plan[] = await readAllPages(
      (pageToken) => session.clients.actions.listPlans({ parent: session.organization, pageSize: 100, pageToken }),
      (page) => page.plans,
    );
    const changed = (p: Plan) => Number(p.updateTime?.seconds ?? 0n);
    plans.sort((a, b) => changed(b) - changed(a));
    const mayStart = mayCall(session.role, ActionPlanService.method.createPlan);
    return [
      heading("Action plans"),
      paragraph("Each plan is a set of changes your practice will make to be more trauma-informed, agreed with the women who use it."),
      plans.length === 0
        ? paragraph(mayStart ? "You have no action plans yet. Start one to record the first changes you have agreed." : "There are no action plans yet.")
        : table({
            caption: "Your plans, most recently changed first",
            head: ["Plan", "Last changed", "Shared with the charity"],
            rows: plans.map((p) => [
              h("a", { class: "nhsuk-link", href: `#${practiceLinks.plan(p.name)}` }, p.title),
              formatTime(p.updateTime),
              p.sharedWith.length > 0 ? "Yes, to read" : "No",
            ]),
          }),
      mayStart ? buttonLink(`#${practiceLinks.newPlan}`, "Start a new plan") : null,
    ];
  },
};
