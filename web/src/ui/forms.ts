// Form fields in the NHS design system's markup, each able to show its own error, and a
// form wrapper that shows an error summary, names the field the server refused, and stops a
// second press while a change is being saved.
import { explainError } from "../api/errors";
import { h, uniqueId, type Child } from "./dom";

export interface Field {
  // The form group to place in the page.
  element: HTMLElement;
  // The id of the control to focus when the error summary links to it.
  controlId: string;
  setError(message: string | null): void;
}

interface FieldBase {
  label: string;
  hint?: string;
}

function formGroup(base: FieldBase, controlId: string, build: (describedBy: string) => HTMLElement, isFieldset = false) {
  const hintId = base.hint ? `${controlId}-hint` : "";
  const errorId = `${controlId}-error`;
  const error = h("span", { class: "nhsuk-error-message", id: errorId, hidden: true });
  const control = build([hintId].filter(Boolean).join(" "));
  const hint = base.hint ? h("div", { class: "nhsuk-hint", id: hintId }, base.hint) : null;
  const group = isFieldset
    ? h("div", { class: "nhsuk-form-group" },
        h("fieldset", { class: "nhsuk-fieldset", "aria-describedby": hintId || false },
          h("legend", { class: "nhsuk-fieldset__legend nhsuk-fieldset__legend--s" }, base.label),
          hint, error, control))
    : h("div", { class: "nhsuk-form-group" },
        h("label", { class: "nhsuk-label", for: controlId }, base.label), hint, error, control);
  const setError = (message: string | null) => {
    group.classList.toggle("nhsuk-form-group--error", message !== null);
    error.hidden = message === null;
    error.replaceChildren();
    if (message !== null) {
      error.append(h("span", { class: "nhsuk-u-visually-hidden" }, "Error: "), message);
    }
    const described = [hintId, message !== null ? errorId : ""].filter(Boolean).join(" ");
    const target = isFieldset ? group.querySelector("fieldset")! : control;
    if (described) target.setAttribute("aria-describedby", described);
    else target.removeAttribute("aria-describedby");
  };
  return { group, setError };
}

export interface TextField extends Field { value(): string; input: HTMLInputElement | HTMLTextAreaElement }

export function textInput(options: FieldBase & {
  value?: string; type?: "text" | "date" | "number" | "password" | "search";
  width?: 2 | 3 | 4 | 5 | 10 | 20 | 30; maxLength?: number; autocomplete?: string; required?: boolean;
}): TextField {
  const id = uniqueId("field");
  let input!: HTMLInputElement;
  const { group, setError } = formGroup(options, id, (describedBy) => {
    input = h("input", {
      class: options.width ? `nhsuk-input nhsuk-input--width-${options.width}` : "nhsuk-input",
      id, name: id, type: options.type ?? "text", value: options.value ?? "",
      maxlength: options.maxLength, autocomplete: options.autocomplete ?? "off",
      spellcheck: options.type === "password" ? "false" : false,
      required: options.required ?? false, "aria-describedby": describedBy || false,
    });
    return input;
  });
  return { element: group, controlId: id, setError: wrapError(setError, input), value: () => input.value.trim(), input };
}

export function textarea(options: FieldBase & { value?: string; rows?: number; maxLength?: number }): TextField {
  const id = uniqueId("field");
  let input!: HTMLTextAreaElement;
  const { group, setError } = formGroup(options, id, (describedBy) => {
    input = h("textarea", {
      class: "nhsuk-textarea", id, name: id, rows: options.rows ?? 4,
      maxlength: options.maxLength, "aria-describedby": describedBy || false,
    });
    input.value = options.value ?? "";
    return input;
  });
  return { element: group, controlId: id, setError: wrapError(setError, input), value: () => input.value.trim(), input };
}

export interface Choice { value: string; label: string; hint?: string }

export interface SelectField extends Field { value(): string; select: HTMLSelectElement }

export function select(options: FieldBase & { choices: Choice[]; value?: string }): SelectField {
  const id = uniqueId("field");
  let control!: HTMLSelectElement;
  const { group, setError } = formGroup(options, id, (describedBy) => {
    control = h("select", { class: "nhsuk-select", id, name: id, "aria-describedby": describedBy || false },
      options.choices.map((c) => h("option", { value: c.value, selected: c.value === options.value }, c.label)));
    return control;
  });
  return { element: group, controlId: id, setError: wrapError(setError, control), value: () => control.value, select: control };
}

export interface ChoiceField extends Field { values(): string[]; inputs: HTMLInputElement[] }

// Radios (pick one) or checkboxes (pick any), each choice with an optional plain-language hint.
export function choices(options: FieldBase & { kind: "radios" | "checkboxes"; items: Choice[]; selected?: string[]; small?: boolean }): ChoiceField {
  const id = uniqueId("field");
  const name = id;
  const inputs: HTMLInputElement[] = [];
  const kind = options.kind;
  const { group, setError } = formGroup(options, id, () => h("div", {
    class: `nhsuk-${kind}${options.small ? ` nhsuk-${kind}--small` : ""}`,
  }, options.items.map((item, i) => {
    const inputId = i === 0 ? id : `${id}-${i}`;
    const hintId = item.hint ? `${inputId}-item-hint` : "";
    const input = h("input", {
      class: `nhsuk-${kind}__input`, id: inputId, name, type: kind === "radios" ? "radio" : "checkbox",
      value: item.value, checked: options.selected?.includes(item.value) ?? false, "aria-describedby": hintId || false,
    });
    inputs.push(input);
    return h("div", { class: `nhsuk-${kind}__item` }, input,
      h("label", { class: `nhsuk-label nhsuk-${kind}__label`, for: inputId }, item.label),
      item.hint ? h("div", { class: `nhsuk-hint nhsuk-${kind}__hint`, id: hintId }, item.hint) : null);
  })), true);
  return {
    element: group, controlId: id, setError, inputs,
    values: () => inputs.filter((i) => i.checked).map((i) => i.value),
  };
}

function wrapError(setError: (m: string | null) => void, control: HTMLElement) {
  return (message: string | null) => {
    setError(message);
    control.classList.toggle(control.tagName === "TEXTAREA" ? "nhsuk-textarea--error" : control.tagName === "SELECT" ? "nhsuk-select--error" : "nhsuk-input--error", message !== null);
  };
}

export interface FieldError { field: Field | null; message: string }

export interface FormOptions {
  fields: Array<Field | HTMLElement>;
  submitText: string;
  // Checks the input before anything is sent; returns the problems found (empty when fine).
  validate?: () => FieldError[];
  // Sends the change. A thrown error is explained next to the field the server named, or at
  // the top of the form; the input is kept either way.
  onSubmit: () => Promise<void>;
  // Maps a server field name (e.g. "action.title") to the field showing it.
  fieldFor?: (serverField: string) => Field | null;
  secondary?: Child;
  submitVariant?: "secondary" | "warning";
  // What the button says while the request is on its way (default "Saving…").
  busyText?: string;
}

export interface Form { element: HTMLFormElement; showErrors(errors: FieldError[]): void }

export function form(options: FormOptions): Form {
  const summary = h("div", { class: "nhsuk-error-summary", tabindex: "-1", hidden: true });
  const submit = h("button", {
    class: options.submitVariant ? `nhsuk-button nhsuk-button--${options.submitVariant}` : "nhsuk-button",
    type: "submit", "data-module": "nhsuk-button",
  }, options.submitText);
  const fields = options.fields.filter((f): f is Field => !(f instanceof HTMLElement));
  const element = h("form", { novalidate: true, class: "nhsuk-u-margin-bottom-6" },
    summary,
    options.fields.map((f) => f instanceof HTMLElement ? f : f.element),
    h("div", { class: "nhsuk-button-group" }, submit, options.secondary ?? null));

  const showErrors = (errors: FieldError[]) => {
    for (const f of fields) f.setError(null);
    summary.replaceChildren();
    summary.hidden = errors.length === 0;
    if (errors.length === 0) return;
    for (const e of errors) e.field?.setError(e.message);
    summary.append(h("div", { role: "alert" },
      h("h2", { class: "nhsuk-error-summary__title" }, "There is a problem"),
      h("div", { class: "nhsuk-error-summary__body" },
        h("ul", { class: "nhsuk-list nhsuk-error-summary__list" },
          errors.map((e) => h("li", {}, e.field
            ? h("a", { href: `#${e.field.controlId}`, onclick: (ev: Event) => { ev.preventDefault(); document.getElementById(e.field!.controlId)?.focus(); } }, e.message)
            : e.message))))));
    summary.focus();
  };

  let busy = false;
  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const problems = options.validate?.() ?? [];
    if (problems.length > 0) return showErrors(problems);
    busy = true;
    const label = submit.textContent;
    submit.disabled = true;
    submit.setAttribute("aria-disabled", "true");
    submit.textContent = options.busyText ?? "Saving…";
    try {
      await options.onSubmit();
      showErrors([]);
    } catch (error) {
      const explained = explainError(error);
      const field = explained.field && options.fieldFor ? options.fieldFor(explained.field) : null;
      showErrors([{ field, message: explained.message }]);
    } finally {
      busy = false;
      submit.disabled = false;
      submit.removeAttribute("aria-disabled");
      submit.textContent = label;
    }
  });
  return { element, showErrors };
}

// Matches a server field name against fields tagged with serverFields.
export function fieldFinder(map: Array<[string[], Field]>): (serverField: string) => Field | null {
  return (serverField) => map.find(([names]) => names.some((n) => serverField === n || serverField.startsWith(`${n}.`)))?.[1] ?? null;
}
