// "Add a participant": the charity's reference and an optional chosen name, and nothing that
// could identify her outside the charity.
import type { Route } from "../../router";
import { Role } from "../../api/policy";
import { newRequestId } from "../../api/client";
import { h } from "../../ui/dom";
import { backLink, heading, link, paragraph, warningCallout } from "../../ui/components";
import { fieldFinder, form, textInput, type FieldError } from "../../ui/forms";
import { participantHref } from "./participants-data";

const MAX_LABEL = 64;

export const participantAddRoute: Route = {
  path: "/charity/participants/add",
  title: "Add a participant",
  roles: [Role.CHARITY],
  render: ({ session, navigate }) => {
    const reference = textInput({
      label: "Charity reference",
      hint: "Your own case reference for her, for example SF-013. Each reference can be used once.",
      width: 10, maxLength: MAX_LABEL,
    });
    const alias = textInput({
      label: "Chosen name (optional)",
      hint: "A name she chose to be called in the group, if she would like one. It does not have to be her real name.",
      width: 20, maxLength: MAX_LABEL,
    });
    const requestId = newRequestId();
    const addForm = form({
      fields: [reference, alias],
      submitText: "Add participant",
      validate: () => {
        const problems: FieldError[] = [];
        if (reference.value() === "") problems.push({ field: reference, message: "Enter the charity reference" });
        return problems;
      },
      onSubmit: async () => {
        const created = await session.clients.consent.createParticipant({
          parent: session.organization,
          participant: { charityReference: reference.value(), alias: alias.value() },
          requestId,
        });
        navigate(participantHref(created.name).slice(1), `${created.charityReference} has been added. You can now record the consent she has given.`);
      },
      fieldFor: fieldFinder([[["participant.charity_reference"], reference], [["participant.alias"], alias]]),
      secondary: link("#/charity/participants", "Cancel"),
    });
    return h("div", { class: "nhsuk-grid-row" },
      h("div", { class: "nhsuk-grid-column-two-thirds" },
        backLink("#/charity/participants", "All participants"),
        heading("Add a participant"),
        paragraph("Bridging keeps only a reference for each woman, so that her choices about her information can be recorded and honoured."),
        warningCallout("Keep her identity with the charity",
          h("p", {}, "Do not enter her legal name, address, date of birth, phone number or NHS number anywhere in Bridging. Those stay in the charity's own records.")),
        addForm.element));
  },
};
