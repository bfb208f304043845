// Each role's home page: what Bridging is for them, and a card for each thing they can do.
import type { Route, PageContext } from "../../router";
import { Role } from "../../gen/bridging/common/v1/authz_pb";
import { h } from "../../ui/dom";
import { card, heading, paragraph, insetText } from "../../ui/components";

const introductions: Record<number, string> = {
  [Role.CHARITY]: "Record the choices the women you support make about their information, and honour a change of mind straight away.",
  [Role.PRACTICE]: "Keep your trauma-informed action plan up to date and share it with the charity.",
  [Role.RESEARCHER]: "Explore de-identified totals. Small numbers are held back so that nobody can be recognised.",
  [Role.ADMIN]: "Operators manage organisations and keys with bridgectl. The web pages show your organisation's recent activity.",
};

export function homeRoute(all: () => Route[]): Route {
  return {
    path: "/",
    title: "Home",
    roles: [Role.CHARITY, Role.PRACTICE, Role.RESEARCHER, Role.ADMIN],
    render: ({ session }: PageContext) => {
      const pages = all().filter((r) => r.nav && r.roles.includes(session.role));
      return [
        heading(session.displayName, "Bridging"),
        paragraph(introductions[session.role] ?? ""),
        h("ul", { class: "nhsuk-grid-row nhsuk-card-group" },
          pages.map((r) => h("li", { class: "nhsuk-grid-column-one-half nhsuk-card-group__item" },
            card(r.nav!, `#${r.path}`, r.description ?? "")))),
        session.expireTime
          ? insetText(h("p", {}, `Your organisation's key works until ${session.expireTime.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" })}.`))
          : null,
      ];
    },
  };
}
