// The top of every page about one participant: a way back, the heading (with her reference)
// and links to the other pages about her.
import type { Participant } from "../../gen/bridging/consent/v1/consent_pb";
import { h, type Child } from "../../ui/dom";
import { backLink, heading } from "../../ui/components";
import { describe, participantHref } from "./participants-data";
import { titleThisPage } from "../../router";

export type Section = "consent" | "contributions" | "history" | "withdrawals" | "report";

const sections: Array<[Section, string, string]> = [
  ["consent", "Consent", ""],
  ["contributions", "Contributions", "/contributions"],
  ["history", "Consent history", "/history"],
  ["withdrawals", "Withdrawal receipts", "/withdrawals"],
  ["report", "Data-use report", "/report"],
];

export interface HeaderOptions {
  // The page's own title, shown with her reference above it; her main page has none and
  // is headed by her reference.
  title?: string;
  // Links to her other pages; a confirmation leaves them out so that it comes first.
  withLinks?: boolean;
  // Where "Back" goes, when not her main page (or, from there, the list).
  back?: { href: string; text: string };
}

export function participantHeader(participant: Participant, current: Section, options: HeaderOptions = {}): Child[] {
  const { title, withLinks = true } = options;
  titleThisPage(title ? `${title} – ${participant.charityReference}` : participant.charityReference);
  const back = options.back ?? (title
    ? { href: participantHref(participant.name), text: `Back to ${participant.charityReference}` }
    : { href: "#/charity/participants", text: "All participants" });
  return [
    backLink(back.href, back.text),
    title
      ? heading(title, describe(participant))
      : heading(participant.charityReference, participant.alias ? `Participant, known as ${participant.alias}` : "Participant"),
    withLinks && h("nav", { class: "nhsuk-contents-list bridging-no-print", role: "navigation", "aria-label": `Pages about ${participant.charityReference}` },
      h("h2", { class: "nhsuk-u-visually-hidden" }, `Pages about ${participant.charityReference}`),
      h("ol", { class: "nhsuk-contents-list__list" },
        sections.map(([section, label, rest]) => section === current
          ? h("li", { class: "nhsuk-contents-list__item", "aria-current": "page" }, h("span", { class: "nhsuk-contents-list__current" }, label))
          : h("li", { class: "nhsuk-contents-list__item" }, h("a", { class: "nhsuk-contents-list__link", href: participantHref(participant.name, rest) }, label))))),
  ];
}
