// "Build a query": the query form, and, when the page address holds a query, its answer as
// a table with withheld numbers marked and explained, a CSV download and the budget left.
import type { Route } from "../../router";
import type { Session } from "../../session";
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import { AnalyticsService, Dataset, type QueryResponse } from "../../gen/bridging/analytics/v1/analytics_pb";
import { mayCall } from "../../api/policy";
import { newRequestId } from "../../api/client";
import { h, type Child } from "../../ui/dom";
import { heading, paragraph, insetText } from "../../ui/components";
import { budgetPanel } from "./budget-page";
import { csvDownloadLink, toCsv } from "./csv";
import { disclosureNotes } from "./disclosure";
import { problemSummary } from "./problem";
import { queryForm } from "./query-form";
import {
  QUERY_PATH, addressOf, datasetByKey, draftFromAddress, isComplete, measureByKey, parseMonth, problemsOf,
  requestOf, type QueryDraft,
} from "./query-spec";
import { resultCsv, resultSummary, resultTable } from "./result-table";
import { dimensionByKey } from "./vocabulary";

const monthFormat = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

function monthWords(value: string): string {
  const month = parseMonth(value);
  return month ? monthFormat.format(new Date(Date.UTC(month.year, month.month - 1, 1))) : value;
}

// The query in one or two sentences, so a bookmarked answer says what it is.
function describe(draft: QueryDraft): string {
  const dataset = datasetByKey(draft.dataset)!;
  const by = draft.groupBy.map((k) => dimensionByKey(k)?.name.toLowerCase() ?? k);
  const parts = [`${dataset.name}, grouped by ${by.join(" and ")}.`];
  for (const [key, values] of Object.entries(draft.filters)) {
    const info = dimensionByKey(key);
    const labels = values.map((v) => info?.values?.find((x) => x.key === v)?.label ?? v);
    parts.push(`Counting only where “${info?.name ?? key}” is ${labels.join(" or ")}.`);
  }
  if (draft.fromMonth || draft.toMonth) {
    parts.push(draft.fromMonth && draft.toMonth
      ? `From ${monthWords(draft.fromMonth)} to ${monthWords(draft.toMonth)}.`
      : draft.fromMonth ? `From ${monthWords(draft.fromMonth)} on.` : `Up to ${monthWords(draft.toMonth)}.`);
  }
  parts.push(`Showing: ${measureByKey(draft.measure)?.name.toLowerCase() ?? "how many"}.`);
  return parts.join(" ");
}

function csvFileName(draft: QueryDraft): string {
  const day = new Date().toISOString().slice(0, 10);
  return `bridging-${draft.dataset}-by-${draft.groupBy.join("-")}-${day}.csv`.replace(/_/g, "-");
}

function answerSection(draft: QueryDraft, response: QueryResponse): Child[] {
  const dataset = datasetByKey(draft.dataset);
  const table = response.table;
  if (!table) return [];
  const csv = resultCsv(table, dataset);
  return [
    h("h2", { class: "nhsuk-heading-m" }, "Answer"),
    paragraph(h("span", { "data-testid": "query-description" }, describe(draft))),
    table.rows.length === 0
      ? insetText(h("p", {}, `Nothing matched this query: there are no ${dataset?.units ?? "items"} with these choices. Try fewer filters or a longer range of months.`))
      : [resultSummary(table), resultTable(table, dataset),
        paragraph(csvDownloadLink(toCsv(csv.header, csv.rows), csvFileName(draft), "Download this table (CSV)"),
          h("span", { class: "nhsuk-u-font-size-16" }, " A withheld number is left empty, with \"yes\" in the column beside it."))],
    dataset?.dataset === Dataset.CONSENT
      ? paragraph("Only women whose agreement to research use is in place are counted.")
      : null,
    h("h3", { class: "nhsuk-heading-s" }, "About these numbers"),
    disclosureNotes(table, response.stamp),
  ];
}

async function runSection(session: Session, draft: QueryDraft): Promise<Child[]> {
  const problems = problemsOf(draft);
  if (problems.length > 0) {
    return [h("div", { class: "nhsuk-error-summary", role: "alert" },
      h("h2", { class: "nhsuk-error-summary__title" }, "This query cannot be run as it is"),
      h("div", { class: "nhsuk-error-summary__body" },
        h("ul", { class: "nhsuk-list nhsuk-error-summary__list" }, problems.map((p) => h("li", {}, p.message)))))];
  }
  try {
    // A fresh id each time the page is shown: running a query again asks for a new answer.
    const response = await session.clients.analytics.query(requestOf(draft, session.organization, newRequestId()));
    return answerSection(draft, response);
  } catch (error) {
    return [problemSummary("The query could not be answered", error)];
  }
}

export const queryRoute: Route = {
  path: QUERY_PATH,
  title: "Build a query",
  roles: [Role.RESEARCHER],
  nav: "Build a query",
  description: "Count actions, contributions or consents, grouped your way, and download the table.",
  render: async ({ session, query, navigate }) => {
    const draft = draftFromAddress(query);
    const mayRun = mayCall(session.role, AnalyticsService.method.query);
    const answer = mayRun && isComplete(draft) ? await runSection(session, draft) : [];
    return [
      heading("Build a query"),
      paragraph("Choose what to count and how to group it. You get totals only: small numbers are held back so that nobody can be recognised. ",
        "The page address keeps your query, so you can bookmark it and run it again later."),
      await budgetPanel(session),
      answer,
      mayRun
        ? [h("h2", { class: "nhsuk-heading-m" }, isComplete(draft) ? "Change your query" : "Your query"),
          queryForm(draft, (next) => navigate(addressOf(next)))]
        : paragraph("Your organisation cannot run queries."),
    ];
  },
};
