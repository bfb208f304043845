// The "Your role" field that goes into an action's history (a role such as "practice
// manager", never a name), remembered for this tab so it need not be typed every time.
import { textInput, type FieldError, type TextField } from "../../ui/forms";

const STORAGE_KEY = "bridging.practice.yourRole";
const MAX_LENGTH = 64;

export interface RoleField extends TextField {
  // The problems with the value, if any (required only where the service requires it).
  problems(): FieldError[];
  // Keeps the value for the next form in this tab.
  remember(): void;
}

export function yourRoleField(required: boolean): RoleField {
  const field = textInput({
    label: required ? "Your role" : "Your role (optional)",
    hint: "Recorded in the history so others know who to ask. A role such as practice manager or reception lead, never your name.",
    value: sessionStorage.getItem(STORAGE_KEY) ?? "",
    width: 20,
    maxLength: MAX_LENGTH,
  });
  return {
    ...field,
    problems: () => required && field.value() === "" ? [{ field, message: "Enter your role, for example practice manager" }] : [],
    remember: () => {
      if (field.value()) sessionStorage.setItem(STORAGE_KEY, field.value());
    },
  };
}
