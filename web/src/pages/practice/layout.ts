// The reading width the design system recommends for forms: two-thirds of the page.
import { h, type Child } from "../../ui/dom";

export function twoThirds(...children: Child[]): HTMLElement {
  return h("div", { class: "nhsuk-grid-row" }, h("div", { class: "nhsuk-grid-column-two-thirds" }, ...children));
}
