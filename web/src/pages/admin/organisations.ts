// "Organisations": every partner organisation, and registering a new one.
import type { Route } from "../../router";
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import { AdminService, type Organization } from "../../gen/bridging/gateway/v1/admin_pb";
import { readAllPages } from "../../api/pages";
import { mayCall } from "../../api/policy";
import { newRequestId } from "../../api/client";
import { h } from "../../ui/dom";
import { heading, link, paragraph, table } from "../../ui/components";
import { choices, fieldFinder, form, textInput } from "../../ui/forms";
import { kindLabel, organisationKinds } from "./words";

const ID_PATTERN = /^[a-z][a-z0-9-]{2,62}$/;

export const organisationsRoute: Route = {
  path: "/admin/organisations",
  title: "Organisations",
  nav: "Organisations",
  description: "Register partner organisations and manage their API keys.",
  roles: [Role.ADMIN],
  render: async ({ session, navigate }) => {
    const organisations: Organization[] = await readAllPages(
      (pageToken) => session.clients.admin.listOrganizations({ pageSize: 1000, pageToken }),
      (page) => page.organizations,
    );

    const kind = choices({
      kind: "radios", label: "What kind of organisation is it?",
      items: organisationKinds.map((k) => ({ value: k.collection, label: k.label, hint: k.hint })),
    });
    const id = textInput({
      label: "Short name", width: 20,
      hint: "Lower-case letters, digits and dashes, starting with a letter, e.g. hyde-park. It cannot be changed later.",
    });
    const displayName = textInput({ label: "Full name", hint: "As people know it, e.g. Hyde Park Surgery.", width: 30 });
    const requestId = newRequestId();
    const register = form({
      fields: [kind, id, displayName],
      submitText: "Register organisation",
      validate: () => [
        ...(kind.values().length === 0 ? [{ field: kind, message: "Choose what kind of organisation it is" }] : []),
        ...(!ID_PATTERN.test(id.value()) ? [{ field: id, message: "Enter a short name of 3 to 63 lower-case letters, digits or dashes, starting with a letter" }] : []),
        ...(displayName.value() === "" ? [{ field: displayName, message: "Enter the organisation's full name" }] : []),
      ],
      onSubmit: async () => {
        const created = await session.clients.admin.createOrganization({
          organization: { name: `${kind.values()[0]}/${id.value()}`, displayName: displayName.value() },
          requestId,
        });
        navigate(`/admin/${created.name}`, `${created.displayName} is registered. Create a key for it below.`);
      },
      fieldFor: fieldFinder([[["organization.name"], id], [["organization.display_name"], displayName]]),
    });

    return [
      heading("Organisations"),
      paragraph("Each organisation's keys act in the role its kind gives it. Operators manage organisations and keys, and never see partners' data."),
      table({
        caption: `${organisations.length} organisations`,
        head: ["Organisation", "Kind", "Name in Bridging"],
        rows: organisations.map((o) => [link(`#/admin/${o.name}`, o.displayName), kindLabel(o.role), h("code", {}, o.name)]),
      }),
      mayCall(session.role, AdminService.method.createOrganization)
        ? [h("h2", { class: "nhsuk-heading-m" }, "Register an organisation"), register.element]
        : null,
    ];
  },
};
