// Between resource names ("practices/riverside/plans/p1/actions/a1") and page addresses: the
// practice's own pages under /practice/plans, the charity's read-only ones under /shared-plans.

export interface ActionNameParts { practice: string; plan: string; action: string }

// The id segments of a plan or action name; empty strings for parts it lacks.
export function nameParts(name: string): ActionNameParts {
  const segments = name.split("/");
  return { practice: segments[1] ?? "", plan: segments[3] ?? "", action: segments[5] ?? "" };
}

export function planName(practice: string, plan: string): string {
  return `practices/${practice}/plans/${plan}`;
}

export function actionName(practice: string, plan: string, action: string): string {
  return `${planName(practice, plan)}/actions/${action}`;
}

// Where the pages of one kind of reader live.
export interface PlanLinks {
  // The list a plan is found in.
  plans(plan: string): string;
  plan(plan: string): string;
  action(action: string): string;
  // Only for the owning practice: where actions are added and changed.
  newAction?(plan: string): string;
  editAction?(action: string): string;
}

const segment = encodeURIComponent;

export const practiceLinks: Required<PlanLinks> & { newPlan: string } = {
  plans: () => "/practice/plans",
  newPlan: "/practice/plans/new",
  plan: (plan) => `/practice/plans/${segment(nameParts(plan).plan)}`,
  newAction: (plan) => `/practice/plans/${segment(nameParts(plan).plan)}/actions/new`,
  action: (action) => {
    const p = nameParts(action);
    return `/practice/plans/${segment(p.plan)}/actions/${segment(p.action)}`;
  },
  editAction: (action) => `${practiceLinks.action(action)}/edit`,
};

export const sharedLinks: PlanLinks = {
  plans: (plan) => `/shared-plans?practice=${segment(nameParts(plan).practice)}`,
  plan: (plan) => {
    const p = nameParts(plan);
    return `/shared-plans/${segment(p.practice)}/${segment(p.plan)}`;
  },
  action: (action) => {
    const p = nameParts(action);
    return `/shared-plans/${segment(p.practice)}/${segment(p.plan)}/actions/${segment(p.action)}`;
  },
};
