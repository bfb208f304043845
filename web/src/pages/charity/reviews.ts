// "Reviews due": consents to check again with the women who gave them, soonest first, before
// a chosen date (30 days ahead unless changed), each linking to her page to re-confirm.
import type { Route } from "../../router";
import { Role } from "../../api/policy";
import { h } from "../../ui/dom";
import { button, heading, link, paragraph, table, tag } from "../../ui/components";
import { textInput } from "../../ui/forms";
import { dateInputValue, daysFromToday, formatDate, formatTime, parseDateInput } from "../../ui/format";
import { loadAllParticipants, loadConsentsDueBefore, participantHref, participantOf, reviewOverdue } from "./participants-data";
import { methods, purposes } from "./words";

const DEFAULT_DAYS_AHEAD = 30;

export const reviewsRoute: Route = {
  path: "/charity/reviews",
  title: "Reviews due",
  nav: "Reviews due",
  description: "Consents to check again with the women who gave them, so that no choice is assumed forever.",
  roles: [Role.CHARITY],
  render: async ({ session, query, navigate }) => {
    const before = parseDateInput(query.get("before") ?? "") ?? daysFromToday(DEFAULT_DAYS_AHEAD);
    const [due, people] = await Promise.all([loadConsentsDueBefore(session, before), loadAllParticipants(session)]);

    const date = textInput({ label: "Show consents to check before", type: "date", value: dateInputValue(before), width: 10 });
    const filter = h("form", { novalidate: true, class: "nhsuk-u-margin-bottom-6 bridging-no-print", onsubmit: (event: Event) => {
      event.preventDefault();
      const chosen = parseDateInput(date.input.value);
      if (!chosen) return date.setError("Enter a date, for example 31/12/2026");
      navigate(`/charity/reviews?before=${dateInputValue(chosen)}`);
    } }, date.element, button("Show", { type: "submit", variant: "secondary" }));

    return [
      heading("Reviews due"),
      paragraph("Consent is checked again with each woman from time to time, not assumed forever. Open her page to record her choice again, or to withdraw it if she has changed her mind."),
      filter,
      due.consents.length === 0
        ? paragraph(`No consents need checking before ${formatDate(before)}. Choose a later date to look further ahead.`)
        : table({
            caption: `Consents to check before ${formatDate(before)}, soonest first`,
            head: ["Participant", "Purpose", "Check by", "Given", "Next step"],
            rows: due.consents.map((record) => {
              const owner = participantOf(record.name);
              const who = people?.get(owner)?.charityReference ?? "Participant";
              return [
                link(participantHref(owner), who),
                purposes[record.purpose].label,
                reviewOverdue(record)
                  ? [tag("Overdue", "red"), h("span", { class: "nhsuk-u-display-block nhsuk-u-margin-top-1" }, `Was due ${formatDate(record.reviewDate)}`)]
                  : formatDate(record.reviewDate),
                `${methods[record.method].label}, ${formatTime(record.givenTime)}`,
                link(`${participantHref(owner)}?purpose=${record.purpose}`,
                  ["Check with her", h("span", { class: "nhsuk-u-visually-hidden" }, `: ${who}, ${purposes[record.purpose].short}`)]),
              ];
            }),
          }),
      due.complete ? null : paragraph("Only the first 5,000 are shown. Choose an earlier date to see fewer."),
    ];
  },
};
