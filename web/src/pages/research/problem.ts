// A failed research call in words: an error summary box, with a plainer message when the
// team's privacy budget has run out.
import { Code, ConnectError } from "@connectrpc/connect";
import { explainError } from "../../api/errors";
import { h } from "../../ui/dom";
import { link } from "../../ui/components";
import { BUDGET_PATH } from "./budget-page";

export function problemSummary(title: string, error: unknown): HTMLElement {
  const budgetRanOut = error instanceof ConnectError && error.code === Code.ResourceExhausted && /privacy budget/i.test(error.rawMessage);
  const message = budgetRanOut
    ? h("p", {}, "Your team's privacy budget has run out, so Bridging cannot answer this. ", link(`#${BUDGET_PATH}`, "About the privacy budget"), ".")
    : h("p", {}, explainError(error).message);
  return h("div", { class: "nhsuk-error-summary", role: "alert", tabindex: "-1" },
    h("h2", { class: "nhsuk-error-summary__title" }, title),
    h("div", { class: "nhsuk-error-summary__body" }, message));
}
