// The "recorded by" field of consent forms: the recorder's role, never her own name,
// remembered for the rest of this visit so a support worker types it once.
import { textInput, type TextField } from "../../ui/forms";

let lastRole = "";

export function recordedByField(required: boolean): TextField {
  return textInput({
    label: required ? "Your role" : "Your role (optional)",
    hint: "For example, support worker or peer mentor. Your role, not your name.",
    value: lastRole, width: 20, maxLength: 64,
  });
}

export function rememberRole(role: string): void {
  if (role) lastRole = role;
}
