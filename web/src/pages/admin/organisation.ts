// One organisation: its API keys (never their secrets), issuing a key (its secret shown
// once) and revoking one at once.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { Route, PageContext } from "../../router";
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import { AdminService, ApiKeySchema, ApiKeyState, type ApiKey } from "../../gen/bridging/gateway/v1/admin_pb";
import { mayCall } from "../../api/policy";
import { newRequestId } from "../../api/client";
import { explainError } from "../../api/errors";
import { h, replaceChildren, type Child } from "../../ui/dom";
import { backLink, button, heading, panel, paragraph, summaryList, table, tag, warningCallout } from "../../ui/components";
import { choices, form, textInput } from "../../ui/forms";
import { formatTime } from "../../ui/format";
import { keyStates, kindLabel } from "./words";

const LIFETIMES = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year (the longest allowed)" },
];

function keyRows(context: PageContext, keys: ApiKey[], notice: HTMLElement): Child[][] {
  const canRevoke = mayCall(context.session.role, AdminService.method.revokeApiKey);
  return keys.map((key) => {
    const [stateText, colour] = keyStates[key.state] ?? ["Unknown", "grey"];
    const requestId = newRequestId();
    const revoke = key.state === ApiKeyState.ACTIVE && canRevoke
      ? button(`Revoke key ${key.keyPrefix}…`, { variant: "warning", small: true, onClick: async () => {
          try {
            await context.session.clients.admin.revokeApiKey({ name: key.name, etag: key.etag, requestId });
            context.refresh(`Key ${key.keyPrefix}… is revoked: it stopped working at once.`);
          } catch (error) {
            replaceChildren(notice, h("div", { class: "nhsuk-error-summary", role: "alert" },
              h("h2", { class: "nhsuk-error-summary__title" }, "The key was not revoked"),
              h("div", { class: "nhsuk-error-summary__body" }, h("p", {}, explainError(error).message))));
          }
        } })
      : null;
    return [
      h("span", {}, h("code", {}, `${key.keyPrefix}…`), key.displayName ? ` ${key.displayName}` : ""),
      tag(stateText, colour),
      formatTime(key.expireTime),
      formatTime(key.lastUseTime) || "Never",
      revoke,
    ];
  });
}

export const organisationRoute: Route = {
  path: "/admin/:collection/:id",
  title: "Organisation",
  roles: [Role.ADMIN],
  render: async (context) => {
    const { session, params } = context;
    const name = `${params.collection}/${params.id}`;
    const organisation = await session.clients.admin.getOrganization({ name });
    const keys = (await session.clients.admin.listApiKeys({ parent: name, showInactive: true, pageSize: 200 })).apiKeys;
    const notice = h("div", {});
    const issued = h("div", {});

    const label = textInput({ label: "What the key is for (optional)", hint: "For example \"reception computer\". Never a person's name.", width: 30 });
    const lifetime = choices({ kind: "radios", label: "How long should it work?", items: LIFETIMES, selected: ["90"] });
    const requestId = newRequestId();
    const issue = form({
      fields: [label, lifetime],
      submitText: "Create key",
      onSubmit: async () => {
        const days = Number(lifetime.values()[0] ?? "90");
        const response = await session.clients.admin.createApiKey({
          parent: name,
          apiKey: create(ApiKeySchema, {
            displayName: label.value(),
            role: organisation.role,
            expireTime: timestampFromDate(new Date(Date.now() + days * 24 * 3600 * 1000)),
          }),
          requestId,
        });
        replaceChildren(issued,
          panel("Key created", h("p", {}, "Copy it now and give it to the organisation securely. Bridging keeps only a fingerprint of it, so it cannot be shown again.")),
          summaryList([["The key", h("code", { "data-testid": "new-key-secret" }, response.secret)], ["Works until", formatTime(response.apiKey?.expireTime)]]));
        issue.element.hidden = true;
      },
    });

    return [
      backLink("#/admin/organisations", "All organisations"),
      heading(organisation.displayName, kindLabel(organisation.role)),
      summaryList([["Name in Bridging", h("code", {}, organisation.name)], ["Registered", formatTime(organisation.createTime)]]),
      notice,
      keys.length === 0
        ? paragraph("This organisation has no keys yet.")
        : table({ caption: "API keys", head: ["Key", "State", "Works until", "Last used", "Action"], rows: keyRows(context, keys, notice) }),
      mayCall(session.role, AdminService.method.createApiKey)
        ? [h("h2", { class: "nhsuk-heading-m" }, "Create a key"),
            warningCallout("A key is a password", h("p", {}, "Anyone holding it acts for this organisation. It is shown once; revoke it here at once if it may have been seen by someone else.")),
            issued, issue.element]
        : null,
    ];
  },
};
