// The research team's privacy budget in plain words: how much is left and what happens when
// it runs out; a short version for the query page and a page of its own.
import type { Route } from "../../router";
import type { Session } from "../../session";
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import { AnalyticsService, type PrivacyBudget } from "../../gen/bridging/analytics/v1/analytics_pb";
import { mayCall } from "../../api/policy";
import { explainError } from "../../api/errors";
import { h } from "../../ui/dom";
import { heading, insetText, link, paragraph, summaryList } from "../../ui/components";
import { formatTime } from "../../ui/format";
import { formatBudget } from "./disclosure";

export const BUDGET_PATH = "/research/budget";

export async function loadBudget(session: Session): Promise<PrivacyBudget> {
  return session.clients.analytics.getPrivacyBudget({ parent: session.organization });
}

// "8.5 of 10 left" and a word on what that means.
function leftSentence(budget: PrivacyBudget): string {
  if (budget.epsilonRemaining <= 0) return "Your team's privacy budget has run out.";
  if (budget.epsilonSpent <= 0) return `Your team has all of its privacy budget left (${formatBudget(budget.epsilonTotal)} units).`;
  const percent = Math.round((budget.epsilonRemaining / budget.epsilonTotal) * 100);
  return `Your team has ${formatBudget(budget.epsilonRemaining)} of ${formatBudget(budget.epsilonTotal)} units of privacy budget left (${percent}%).`;
}

const whatItIs = "Some answers have a small random amount added to each count, so that comparing many answers cannot single anyone out. Each such answer uses up part of your team's privacy budget. Answers without this randomness use none.";
const whenItRunsOut = "When the budget runs out, Bridging will not answer any more questions that would use it, for good: spent budget is never given back. Reading quotes uses none of it, so quotes stay open to you.";

// A short panel for the query page, linking to the full page.
export async function budgetPanel(session: Session): Promise<HTMLElement | null> {
  if (!mayCall(session.role, AnalyticsService.method.getPrivacyBudget)) return null;
  try {
    const budget = await loadBudget(session);
    return insetText(h("p", { "data-testid": "budget-summary" }, leftSentence(budget), " ",
      link(`#${BUDGET_PATH}`, "What the privacy budget is"), "."));
  } catch (error) {
    return insetText(h("p", {}, `Your team's privacy budget could not be checked. ${explainError(error).message}`));
  }
}

export const budgetRoute: Route = {
  path: BUDGET_PATH,
  title: "Privacy budget",
  roles: [Role.RESEARCHER],
  nav: "Privacy budget",
  description: "How much of your team's privacy budget is left, and what happens when it runs out.",
  render: async ({ session }) => {
    const budget = await loadBudget(session);
    return [
      heading("Privacy budget"),
      paragraph(h("strong", { "data-testid": "budget-summary" }, leftSentence(budget))),
      summaryList([
        ["Total budget", `${formatBudget(budget.epsilonTotal)} units`],
        ["Used so far", `${formatBudget(budget.epsilonSpent)} units`],
        ["Left", `${formatBudget(budget.epsilonRemaining)} units`],
        ["Answers given to your team", budget.queriesAnswered.toString()],
        ["Checked", formatTime(budget.updateTime)],
      ]),
      h("h2", { class: "nhsuk-heading-m" }, "What it is"),
      paragraph(whatItIs),
      h("h2", { class: "nhsuk-heading-m" }, "When it runs out"),
      paragraph(whenItRunsOut),
      paragraph("If your study needs more, talk to the Bridging team before it runs out."),
    ];
  },
};
