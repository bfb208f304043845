// The sign-in page: one field for the organisation's API key, checked with the gateway.
import { signIn, type Session } from "../../session";
import { h } from "../../ui/dom";
import { heading, paragraph, details } from "../../ui/components";
import { form, textInput } from "../../ui/forms";

export function signInPage(onSignedIn: (session: Session) => void): HTMLElement {
  const key = textInput({
    label: "API key",
    hint: "Your organisation's key from the Bridging team. It is kept only in this browser tab and forgotten when you close it.",
    type: "password", width: 30, autocomplete: "off",
  });
  const signInForm = form({
    fields: [key],
    submitText: "Sign in",
    validate: () => key.value() === "" ? [{ field: key, message: "Enter your API key" }] : [],
    onSubmit: async () => onSignedIn(await signIn(key.value())),
    fieldFor: () => key,
  });
  return h("div", { class: "nhsuk-grid-row" },
    h("div", { class: "nhsuk-grid-column-two-thirds" },
      heading("Sign in to Bridging"),
      paragraph("Bridging is shared by the charity, local GP practices and the research team. You will see only what your organisation needs for its work."),
      signInForm.element,
      details("I do not have a key",
        h("p", {}, "Ask the person who looks after Bridging in your organisation. Keys belong to an organisation, not a person, so please do not share yours outside it."))));
}
