// Quotes: approved, redacted excerpts on a chosen theme, from women whose agreement to be
// quoted is in place, with their themes, kind and month.
import type { Route } from "../../router";
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import { AnalyticsService, type ListQuotesResponse, type Quote } from "../../gen/bridging/analytics/v1/analytics_pb";
import { mayCall } from "../../api/policy";
import { h, type Child } from "../../ui/dom";
import { heading, insetText, link, paragraph, tag } from "../../ui/components";
import { form, select } from "../../ui/forms";
import { formatDate } from "../../ui/format";
import { problemSummary } from "./problem";
import { principleLabels, principleValues, sourceTypeLabels } from "./vocabulary";

const QUOTES_PATH = "/research/quotes";
const PAGE_SIZE = 20;

function addressFor(theme: string, page?: string): string {
  const params = new URLSearchParams({ theme });
  if (page) params.set("page", page);
  return `${QUOTES_PATH}?${params.toString()}`;
}

function quoteCard(quote: Quote): HTMLElement {
  return h("li", { class: "nhsuk-card" },
    h("div", { class: "nhsuk-card__content" },
      h("blockquote", { class: "nhsuk-body-l nhsuk-u-margin-bottom-3" }, `“${quote.text}”`),
      h("p", { class: "nhsuk-body-s nhsuk-u-margin-bottom-2" },
        [sourceTypeLabels[quote.sourceType], formatDate(quote.month)].filter(Boolean).join(", ")),
      h("p", { class: "nhsuk-body-s nhsuk-u-margin-bottom-0" }, "Themes: ",
        quote.themes.map((t, i) => [i > 0 ? " " : null, tag(principleLabels[t], "blue")]))));
}

function quoteList(themeLabel: string, response: ListQuotesResponse, theme: string, page: string | null): Child[] {
  return [
    h("h2", { class: "nhsuk-heading-m" }, `Quotes on ${themeLabel.toLowerCase()}`),
    response.quotes.length === 0
      ? insetText(h("p", {}, page
        ? "There are no more quotes on this theme."
        : "There are no approved quotes on this theme yet. A quote appears here once a woman has agreed to be quoted and approved the exact wording. Try another theme."))
      : h("ul", { class: "nhsuk-list", "data-testid": "quotes" }, response.quotes.map(quoteCard)),
    paragraph(`These take account of every consent change up to change number ${response.consentWatermark.toString()}: `,
      "quotes from anyone who has withdrawn her agreement to be quoted are left out."),
    response.nextPageToken ? paragraph(link(`#${addressFor(theme, response.nextPageToken)}`, "More quotes on this theme")) : null,
    page ? paragraph(link(`#${addressFor(theme)}`, "Back to the first quotes on this theme")) : null,
  ];
}

export const quotesRoute: Route = {
  path: QUOTES_PATH,
  title: "Quotes",
  roles: [Role.RESEARCHER],
  nav: "Quotes",
  description: "Short quotes women have approved, with names and details removed, by theme.",
  render: async ({ session, query, navigate }) => {
    const chosen = principleValues.find((p) => p.key === query.get("theme"));
    const page = query.get("page");
    const themeField = select({
      label: "Theme",
      hint: "The trauma-informed principle the quotes speak to.",
      choices: [{ value: "", label: "Choose a theme" }, ...principleValues.map((p) => ({ value: p.key, label: p.label }))],
      value: chosen?.key ?? "",
    });
    const chooser = form({
      fields: [themeField],
      submitText: "Show quotes",
      validate: () => themeField.value() ? [] : [{ field: themeField, message: "Choose a theme" }],
      onSubmit: async () => navigate(addressFor(themeField.value())),
    }).element;

    let results: Child = null;
    if (chosen && mayCall(session.role, AnalyticsService.method.listQuotes)) {
      try {
        const response = await session.clients.analytics.listQuotes({
          parent: session.organization,
          theme: chosen.number,
          pageSize: PAGE_SIZE,
          pageToken: page ?? "",
        });
        results = quoteList(chosen.label, response, chosen.key, page);
      } catch (error) {
        results = problemSummary("The quotes could not be shown", error);
      }
    }
    return [
      heading("Quotes"),
      paragraph("Each quote is in words the woman approved herself, with names and other details removed. ",
        "Quotes cannot be linked to one another or to a person."),
      chooser,
      results,
    ];
  },
};
