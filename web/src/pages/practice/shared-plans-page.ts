// For the charity: the action plans a GP practice has shared with it, read-only. The service
// lists shared plans one practice at a time, so the page asks for the practice's code.
import { Code, ConnectError } from "@connectrpc/connect";
import { readAllPages } from "../../api/pages";
import type { Plan } from "../../gen/bridging/actions/v1/actions_pb";
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import type { PageContext, Route } from "../../router";
import { organizationId } from "../../session";
import { h, type Child } from "../../ui/dom";
import { heading, insetText, paragraph, table } from "../../ui/components";
import { form, textInput } from "../../ui/forms";
import { formatTime } from "../../ui/format";
import { sharedLinks } from "./links";

// Codes are the id part of an organisation's name.
const CODE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const PATH = "/shared-plans";

function findForm(context: PageContext, practice: string): HTMLElement {
  const code = textInput({
    label: "The practice's Bridging code",
    hint: "The practice can tell you this. It is shown to them when they share a plan, for example riverside.",
    value: practice, width: 20,
  });
  return form({
    fields: [code],
    submitText: "Show shared plans",
    validate: () => CODE.test(code.value().toLowerCase()) ? [] : [{ field: code, message: "Enter the practice's code: lower-case letters, numbers and hyphens, for example riverside" }],
    onSubmit: async () => context.navigate(`${PATH}?practice=${encodeURIComponent(code.value().toLowerCase())}`),
  }).element;
}

async function plansOf(context: PageContext, practice: string): Promise<Child> {
  let plans: Plan[] = [];
  try {
    plans = await readAllPages(
      (pageToken) => context.session.clients.actions.listPlans({ parent: `practices/${practice}`, pageSize: 100, pageToken }),
      (page) => page.plans,
    );
  } catch (error) {
    // The gateway refuses a practice that has shared nothing with this charity.
    if (ConnectError.from(error).code !== Code.PermissionDenied) throw error;
  }
  if (plans.length === 0) {
    return paragraph(`No plans from the practice with the code “${practice}” are shared with you. Check the code with the practice, or ask them to share their plan.`);
  }
  return table({
    caption: `Plans shared by the practice “${practice}”`,
    head: ["Plan", "Last changed"],
    rows: plans.map((p) => [h("a", { class: "nhsuk-link", href: `#${sharedLinks.plan(p.name)}` }, p.title), formatTime(p.updateTime)]),
  });
}

// Renders a page of a shared plan, or says plainly that the practice is not sharing it (any
// more): the gateway refuses a plan that is not shared with this charity.
export async function whenShared(render: () => Promise<Child>): Promise<Child> {
  try {
    return await render();
  } catch (error) {
    if (ConnectError.from(error).code !== Code.PermissionDenied) throw error;
    return [
      heading("This plan is not shared with you"),
      paragraph("The practice is not sharing this plan with your charity at the moment. They may have stopped sharing it. ",
        h("a", { class: "nhsuk-link", href: `#${PATH}` }, "Find the plans shared with you"), "."),
    ];
  }
}

export const sharedPlansRoute: Route = {
  path: PATH,
  title: "Shared plans",
  nav: "Shared plans",
  description: "Read the trauma-informed action plans that GP practices have shared with you.",
  roles: [Role.CHARITY],
  render: async (context) => {
    const practice = (context.query.get("practice") ?? "").toLowerCase();
    return [
      heading("Shared plans"),
      paragraph("GP practices can share their trauma-informed action plans with you, so you can follow what they are changing. You can read a shared plan; only the practice can change it."),
      findForm(context, practice),
      CODE.test(practice) ? await plansOf(context, practice) : null,
      insetText(h("p", {}, `A practice needs your charity's code to share a plan with you: ${organizationId(context.session)}.`)),
    ];
  },
};
