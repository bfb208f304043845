// Hash-based routing ("#/charity/participants/p1?tab=history"): matches a route, checks the
// signed-in role may see it, renders it into <main>, titles the page and moves focus to its
// heading so screen-reader users hear where they are.
import type { Role } from "./gen/bridging/common/v1/authz_pb";
import { Code } from "@connectrpc/connect";
import { signOut, type Session } from "./session";
import { explainError } from "./api/errors";
import { h, replaceChildren, type Child } from "./ui/dom";
import { button, heading, notificationBanner, paragraph, loading } from "./ui/components";

export interface PageContext {
  session: Session;
  params: Record<string, string>;
  query: URLSearchParams;
  // Goes to another page; `flash` is shown there as a success banner.
  navigate(path: string, flash?: string): void;
  // Renders this page again (after a change), with an optional success banner.
  refresh(flash?: string): void;
}

export interface Route {
  // Segments; ":name" captures one segment into params.name.
  path: string;
  title: string;
  roles: Role[];
  // Label in the main menu, when the page belongs there.
  nav?: string;
  // One sentence for the home page's card, for pages in the main menu.
  description?: string;
  render(context: PageContext): Promise<Child> | Child;
}

export interface Location { path: string; query: URLSearchParams }

export function currentLocation(): Location {
  const raw = window.location.hash.replace(/^#/, "") || "/";
  const [path, query = ""] = raw.split("?", 2);
  return { path: path || "/", query: new URLSearchParams(query) };
}

export function match(route: Route, path: string): Record<string, string> | null {
  const want = route.path.split("/").filter(Boolean);
  const got = path.split("/").filter(Boolean);
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(":")) {
      try {
        params[want[i].slice(1)] = decodeURIComponent(got[i]);
      } catch {
        return null;
      }
    } else if (want[i] !== got[i]) {
      return null;
    }
  }
  return params;
}

export function findRoute(routes: Route[], path: string): { route: Route; params: Record<string, string> } | null {
  for (const route of routes) {
    const params = match(route, path);
    if (params) return { route, params };
  }
  return null;
}

// Renders the page for the current location into `main`. Stale renders (the person moved on
// while a page was loading) are dropped.
let renderGeneration = 0;
export async function renderPage(main: HTMLElement, routes: Route[], session: Session, flash?: string): Promise<void> {
  const generation = ++renderGeneration;
  const location = currentLocation();
  const found = findRoute(routes, location.path);
  const context: PageContext = {
    session,
    params: found?.params ?? {},
    query: location.query,
    navigate: (path, message) => {
      pendingFlash = message;
      if (window.location.hash === `#${path}`) void renderPage(main, routes, session, takeFlash());
      else window.location.hash = path;
    },
    refresh: (message) => void renderPage(main, routes, session, message),
  };
  let title = "Page not found";
  let content: Child;
  if (!found) {
    content = [heading("Page not found"), paragraph("If you typed the address, check it is correct. ", h("a", { class: "nhsuk-link", href: "#/" }, "Go to your home page"), ".")];
  } else if (!found.route.roles.includes(session.role)) {
    title = "Not available";
    content = [heading("This page is not available to your organisation"),
      paragraph("Each partner sees only what it needs. ", h("a", { class: "nhsuk-link", href: "#/" }, "Go to your home page"), ".")];
  } else {
    title = found.route.title;
    replaceChildren(main, loading());
    pageTitle = undefined;
    try {
      content = await found.route.render(context);
      title = pageTitle ?? title;
    } catch (error) {
      const explained = explainError(error);
      content = [heading(found.route.title), h("div", { class: "nhsuk-error-summary", role: "alert" },
        h("h2", { class: "nhsuk-error-summary__title" }, "This page could not be shown"),
        h("div", { class: "nhsuk-error-summary__body" }, h("p", {}, explained.message))),
        explained.code === Code.Unauthenticated
          ? button("Sign in again", { onClick: () => { signOut(); window.location.reload(); } })
          : button("Try again", { variant: "secondary", onClick: () => context.refresh() })];
    }
  }
  if (generation !== renderGeneration) return;
  document.title = `${title} – Bridging`;
  replaceChildren(main, flash ? notificationBanner(flash) : null, content);
  const h1 = main.querySelector("h1");
  if (h1) {
    h1.setAttribute("tabindex", "-1");
    h1.focus({ preventScroll: false });
  } else {
    main.focus();
  }
}

// A title for the page being rendered, for pages named by what they show ("SF-003") rather
// than by their route; called from a route's render.
let pageTitle: string | undefined;
export function titleThisPage(title: string): void {
  pageTitle = title;
}

let pendingFlash: string | undefined;
export function takeFlash(): string | undefined {
  const message = pendingFlash;
  pendingFlash = undefined;
  return message;
}
