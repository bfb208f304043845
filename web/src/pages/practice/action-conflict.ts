// What to show when someone else saved an action while this person was changing it: that
// nothing typed is lost, what the other person changed next to what this person typed, and
// the two ways on: save over theirs, or discard.
import { explainError } from "../../api/errors";
import { h } from "../../ui/dom";
import { button, table, warningCallout } from "../../ui/components";
import { draftFields, type ActionDraft } from "./action-form";

export interface ConflictOptions {
  // The action as it was when the form opened, as it is saved now, and as typed.
  opened: ActionDraft;
  latest: ActionDraft;
  yours: ActionDraft;
  // Saves the typed changes on top of the latest version; throws what went wrong.
  onOverwrite(): Promise<void>;
  onDiscard(): void;
}

function differences(options: ConflictOptions) {
  return draftFields
    .filter((f) => options.latest[f.key] !== options.opened[f.key] || options.yours[f.key] !== options.opened[f.key])
    .map((f) => {
      const theirs = options.latest[f.key] !== options.opened[f.key];
      const yours = options.yours[f.key] !== options.opened[f.key];
      return [
        f.label,
        h("span", {}, f.show(options.latest), theirs ? h("span", { class: "nhsuk-u-display-block nhsuk-body-s nhsuk-u-margin-bottom-0" }, "(changed by them)") : null),
        yours
          ? h("span", {}, f.show(options.yours), h("span", { class: "nhsuk-u-display-block nhsuk-body-s nhsuk-u-margin-bottom-0" }, "(changed by you)"))
          : "You did not change this: theirs will stay",
      ];
    });
}

export function conflictPanel(options: ConflictOptions): HTMLElement {
  const problem = h("p", { class: "nhsuk-error-message", role: "alert", hidden: true });
  let busy = false;
  const overwrite = button("Save my changes over theirs", {
    onClick: async () => {
      if (busy) return;
      busy = true;
      overwrite.disabled = true;
      problem.hidden = true;
      try {
        await options.onOverwrite();
      } catch (error) {
        problem.hidden = false;
        problem.textContent = explainError(error).message;
      } finally {
        busy = false;
        overwrite.disabled = false;
      }
    },
  });
  const callout = warningCallout("Someone else changed this action while you were editing it",
    h("p", {}, "They saved their changes after you opened this page, so yours have not been saved yet. Nothing you typed has been lost: it is all still in the form below."),
    table({
      caption: "What is different",
      captionSize: "s",
      head: ["Detail", "Saved now by the other person", "Your change"],
      rows: differences(options),
      rowHeaders: true,
    }),
    h("p", {}, "If you save your changes over theirs, the details you changed replace theirs. Anything else they changed stays as they saved it."),
    problem,
    h("div", { class: "nhsuk-button-group" },
      overwrite,
      button("Discard my changes", { variant: "secondary", onClick: options.onDiscard })));
  callout.setAttribute("tabindex", "-1");
  return callout;
}
