// The NHS design system's components (service-manual.nhs.uk/design-system) as functions that
// return DOM nodes, so every page uses the same accessible markup.
import { h, uniqueId, type Child } from "./dom";

export function heading(text: string, caption?: string): HTMLElement {
  return h("h1", { class: "nhsuk-heading-l" },
    caption ? h("span", { class: "nhsuk-caption-l" }, caption, h("span", { class: "nhsuk-u-visually-hidden" }, " - ")) : null,
    text);
}

export function paragraph(...children: Child[]): HTMLElement {
  return h("p", { class: "nhsuk-body" }, ...children);
}

export function link(href: string, text: Child, attributes: Record<string, string> = {}): HTMLAnchorElement {
  return h("a", { class: "nhsuk-link", href, ...attributes }, text);
}

export function backLink(href: string, text = "Back"): HTMLElement {
  return h("a", { class: "nhsuk-back-link bridging-no-print", href }, text);
}

export type TagColour = "white" | "grey" | "green" | "aqua-green" | "blue" | "purple" | "pink" | "red" | "orange" | "yellow";

export function tag(text: string, colour?: TagColour): HTMLElement {
  return h("strong", { class: colour ? `nhsuk-tag nhsuk-tag--${colour}` : "nhsuk-tag" }, text);
}

export interface ButtonOptions {
  variant?: "secondary" | "warning" | "reverse";
  type?: "button" | "submit";
  small?: boolean;
  onClick?: (event: Event) => void;
  attributes?: Record<string, string>;
}

export function button(text: string, options: ButtonOptions = {}): HTMLButtonElement {
  const classes = ["nhsuk-button"];
  if (options.variant) classes.push(`nhsuk-button--${options.variant}`);
  if (options.small) classes.push("nhsuk-button--small");
  return h("button", {
    class: classes.join(" "),
    type: options.type ?? "button",
    "data-module": "nhsuk-button",
    onclick: options.onClick,
    ...options.attributes,
  }, text);
}

// A link styled as a button, for navigation that looks like an action ("Add an action").
export function buttonLink(href: string, text: string, variant?: "secondary"): HTMLAnchorElement {
  return h("a", { class: variant ? `nhsuk-button nhsuk-button--${variant}` : "nhsuk-button", href, role: "button", draggable: "false" }, text);
}

export function insetText(...children: Child[]): HTMLElement {
  return h("div", { class: "nhsuk-inset-text" },
    h("span", { class: "nhsuk-u-visually-hidden" }, "Information: "), ...children);
}

export function warningCallout(title: string, ...children: Child[]): HTMLElement {
  return h("div", { class: "nhsuk-warning-callout" },
    h("h2", { class: "nhsuk-warning-callout__label" },
      h("span", { role: "text" }, h("span", { class: "nhsuk-u-visually-hidden" }, "Important: "), title)),
    ...children);
}

// A green confirmation panel, for "it is done" (e.g. a withdrawal receipt).
export function panel(title: string, ...children: Child[]): HTMLElement {
  return h("div", { class: "nhsuk-panel" },
    h("h2", { class: "nhsuk-panel__heading" }, title),
    h("div", { class: "nhsuk-panel__body" }, ...children));
}

export function details(summary: string, ...children: Child[]): HTMLElement {
  return h("details", { class: "nhsuk-details" },
    h("summary", { class: "nhsuk-details__summary" }, h("span", { class: "nhsuk-details__summary-text" }, summary)),
    h("div", { class: "nhsuk-details__text" }, ...children));
}

// A banner at the top of a page: "success" after a change, otherwise important information.
export function notificationBanner(text: Child, kind: "success" | "important" = "success"): HTMLElement {
  const titleId = uniqueId("banner-title");
  return h("div", {
    class: kind === "success" ? "nhsuk-notification-banner nhsuk-notification-banner--success" : "nhsuk-notification-banner",
    role: kind === "success" ? "alert" : "region",
    "aria-labelledby": titleId,
    "data-module": "nhsuk-notification-banner",
  },
  h("div", { class: "nhsuk-notification-banner__header" },
    h("h2", { class: "nhsuk-notification-banner__title", id: titleId }, kind === "success" ? "Success" : "Important")),
  h("div", { class: "nhsuk-notification-banner__content" },
    h("p", { class: "nhsuk-notification-banner__heading" }, text)));
}

export function summaryList(rows: Array<[string, Child]>): HTMLElement {
  return h("dl", { class: "nhsuk-summary-list" },
    rows.map(([key, value]) => h("div", { class: "nhsuk-summary-list__row" },
      h("dt", { class: "nhsuk-summary-list__key" }, key),
      h("dd", { class: "nhsuk-summary-list__value" }, value))));
}

export interface TableOptions {
  caption: string;
  head: string[];
  rows: Child[][];
  // Columns (by index) holding numbers: right-aligned.
  numeric?: number[];
  // When the first cell of each row names the row (rendered as a row header).
  rowHeaders?: boolean;
  captionSize?: "s" | "m" | "l";
}

export function table(options: TableOptions): HTMLElement {
  const numeric = new Set(options.numeric ?? []);
  const cellClass = (i: number) => numeric.has(i) ? "nhsuk-table__cell nhsuk-table__cell--numeric" : "nhsuk-table__cell";
  return h("div", { class: "nhsuk-table-container" },
    h("table", { class: "nhsuk-table" },
      h("caption", { class: `nhsuk-table__caption nhsuk-table__caption--${options.captionSize ?? "m"}` }, options.caption),
      h("thead", { class: "nhsuk-table__head" },
        h("tr", { class: "nhsuk-table__row" },
          options.head.map((text, i) => h("th", { scope: "col", class: numeric.has(i) ? "nhsuk-table__header nhsuk-table__header--numeric" : "nhsuk-table__header" }, text)))),
      h("tbody", { class: "nhsuk-table__body" },
        options.rows.map((row) => h("tr", { class: "nhsuk-table__row" },
          row.map((cell, i) => i === 0 && options.rowHeaders
            ? h("th", { scope: "row", class: "nhsuk-table__header" }, cell)
            : h("td", { class: cellClass(i) }, cell)))))));
}

export function card(title: string, href: string, description: Child): HTMLElement {
  return h("div", { class: "nhsuk-card nhsuk-card--clickable" },
    h("div", { class: "nhsuk-card__content" },
      h("h2", { class: "nhsuk-card__heading nhsuk-heading-m" }, h("a", { class: "nhsuk-card__link", href }, title)),
      h("p", { class: "nhsuk-card__description" }, description)));
}

export function loading(what = "Loading"): HTMLElement {
  return h("p", { class: "nhsuk-body", role: "status" }, `${what}…`);
}
