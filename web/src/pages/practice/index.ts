// The practice pages (action plans and their actions), and the charity's read-only view of
// the plans shared with it. More specific paths come first ("new" before an id).
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import type { Route } from "../../router";
import { organizationId } from "../../session";
import { actionEditRoute } from "./action-edit-page";
import { actionNewRoute } from "./action-new-page";
import { renderActionPage } from "./action-page";
import { actionName, planName, practiceLinks, sharedLinks } from "./links";
import { renderPlanPage } from "./plan-page";
import { planNewRoute } from "./plan-new-page";
import { plansRoute } from "./plans-page";
import { sharedPlansRoute, whenShared } from "./shared-plans-page";

export const practiceRoutes: Route[] = [
  plansRoute,
  planNewRoute,
  {
    path: "/practice/plans/:plan",
    title: "Action plan",
    roles: [Role.PRACTICE],
    render: (context) => renderPlanPage(context, planName(organizationId(context.session), context.params.plan), practiceLinks, "Action plan"),
  },
  actionNewRoute,
  {
    path: "/practice/plans/:plan/actions/:action",
    title: "Action",
    roles: [Role.PRACTICE],
    render: (context) => {
      const practice = organizationId(context.session);
      return renderActionPage(context, actionName(practice, context.params.plan, context.params.action),
        planName(practice, context.params.plan), practiceLinks);
    },
  },
  actionEditRoute,
  sharedPlansRoute,
  {
    path: "/shared-plans/:practice/:plan",
    title: "Shared plan",
    roles: [Role.CHARITY],
    render: (context) => whenShared(() => renderPlanPage(context, planName(context.params.practice, context.params.plan),
      sharedLinks, `Shared by the practice “${context.params.practice}”`)),
  },
  {
    path: "/shared-plans/:practice/:plan/actions/:action",
    title: "Action in a shared plan",
    roles: [Role.CHARITY],
    render: (context) => {
      const { practice, plan, action } = context.params;
      return whenShared(() => renderActionPage(context, actionName(practice, plan, action), planName(practice, plan), sharedLinks));
    },
  },
];
