// "Add a contribution": what kind it is, her words, the principles it speaks to, when she
// shared it and the practice it is about. Accepted only while she agrees to research use.
import { principles, sourceTypes } from "../../vocabulary";
import type { PageContext } from "../../router";
import { newRequestId } from "../../api/client";
import { SourceType, type Participant } from "../../gen/bridging/consent/v1/consent_pb";
import { Principle } from "../../gen/bridging/common/v1/types_pb";
import { h } from "../../ui/dom";
import { choices, fieldFinder, form, textarea, textInput, type FieldError } from "../../ui/forms";
import { dateInputValue, daysFromToday, parseDateInput } from "../../ui/format";

const MAX_TEXT = 20000;
const PRACTICE_ID = /^[a-z0-9][a-z0-9-]*$/;

export function contributionForm(context: PageContext, participant: Participant): HTMLElement {
  const source = choices({
    label: "What kind of contribution is it?",
    kind: "radios",
    items: [SourceType.REFLECTIVE_NOTE, SourceType.INTERVIEW, SourceType.MEETING_OBSERVATION, SourceType.FEEDBACK]
      .map((s) => ({ value: String(s), label: sourceTypes[s].label, hint: sourceTypes[s].explanation })),
  });
  const text = textarea({
    label: "What she shared",
    hint: "Write it in her words. Before anything reaches research, names, phone numbers, addresses, dates and other details are taken out automatically, and researchers only ever see it without her name.",
    rows: 8, maxLength: MAX_TEXT,
  });
  const themes = choices({
    label: "Which principles does it speak to? (optional)",
    kind: "checkboxes", small: true,
    items: [Principle.SAFETY, Principle.TRUSTWORTHINESS_TRANSPARENCY, Principle.PEER_SUPPORT, Principle.COLLABORATION_MUTUALITY,
      Principle.EMPOWERMENT_VOICE_CHOICE, Principle.CULTURAL_HISTORICAL_GENDER]
      .map((p) => ({ value: String(p), label: principles[p].label, hint: principles[p].explanation })),
  });
  const occurred = textInput({
    label: "When she shared it",
    type: "date", value: dateInputValue(daysFromToday(0)), width: 10,
  });
  const practice = textInput({
    label: "GP practice it is about (optional)",
    hint: "The practice's short Bridging name, for example riverside. Leave blank if it is not about one practice.",
    width: 20, maxLength: 64,
  });
  const requestId = newRequestId();

  const submit = form({
    fields: [source, text, themes, occurred, practice],
    submitText: "Add contribution",
    validate: () => {
      const problems: FieldError[] = [];
      if (source.values().length === 0) problems.push({ field: source, message: "Choose what kind of contribution it is" });
      if (text.value() === "") problems.push({ field: text, message: "Enter what she shared" });
      const day = occurred.input.value === "" ? undefined : parseDateInput(occurred.input.value);
      if (occurred.input.value !== "" && !day) problems.push({ field: occurred, message: "Enter the date she shared it, for example 21/11/2026" });
      else if (day && dateInputValue(day) > dateInputValue(daysFromToday(0))) problems.push({ field: occurred, message: "The date she shared it must be today or in the past" });
      if (practice.value() !== "" && !PRACTICE_ID.test(practice.value().toLowerCase())) {
        problems.push({ field: practice, message: "Enter the practice's short Bridging name, using letters, numbers and dashes only" });
      }
      return problems;
    },
    onSubmit: async () => {
      await context.session.clients.contributions.submitContribution({
        parent: participant.name,
        contribution: {
          sourceType: Number(source.values()[0]) as SourceType,
          text: text.input.value,
          themes: themes.values().map((v) => Number(v) as Principle),
          occurredOn: parseDateInput(occurred.input.value),
          practice: practice.value() ? `practices/${practice.value().toLowerCase()}` : "",
        },
        requestId,
      });
      context.refresh("The contribution has been added. It is passed on for research with names and details taken out.");
    },
    fieldFor: fieldFinder([[["contribution.source_type"], source], [["contribution.text"], text], [["contribution.themes"], themes],
      [["contribution.occurred_on"], occurred], [["contribution.practice"], practice]]),
  });
  return h("section", { "aria-labelledby": "add-contribution" },
    h("h2", { class: "nhsuk-heading-m", id: "add-contribution" }, "Add a contribution"),
    submit.element);
}
