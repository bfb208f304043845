// "First page · Next page" links for lists read a page at a time with the service's page tokens.
import { h } from "../../ui/dom";
import { link } from "../../ui/components";

export function pagingLinks(path: string, pageToken: string, nextPageToken: string): HTMLElement | null {
  if (!pageToken && !nextPageToken) return null;
  return h("nav", { class: "nhsuk-body", "aria-label": "More pages" },
    pageToken ? link(`#${path}`, "First page") : null,
    pageToken && nextPageToken ? " · " : null,
    nextPageToken ? link(`#${path}?page=${encodeURIComponent(nextPageToken)}`, "Next page") : null);
}
