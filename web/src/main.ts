// Starts the UI: restores or asks for a sign-in, draws the account area and the role's main
// menu, and renders the page for each change of location.
import "./styles/app.scss";
import { Role } from "./gen/bridging/common/v1/authz_pb";
import { renderPage, currentLocation, takeFlash, type Route } from "./router";
import { restoreSession, signOut, type Session } from "./session";
import { routes } from "./routes";
import { signInPage } from "./pages/common/sign-in";
import { h, replaceChildren } from "./ui/dom";
import { button } from "./ui/components";

const main = document.getElementById("maincontent")!;
const account = document.getElementById("account")!;
const nav = document.getElementById("primary-nav")!;
const navList = document.getElementById("primary-nav-list")!;

const roleNames: Record<number, string> = {
  [Role.CHARITY]: "Charity",
  [Role.PRACTICE]: "GP practice",
  [Role.RESEARCHER]: "Research team",
  [Role.ADMIN]: "Operator",
};

function menuFor(session: Session): Route[] {
  return routes.filter((r) => r.nav && r.roles.includes(session.role));
}

function drawChrome(session: Session | null): void {
  if (!session) {
    replaceChildren(account);
    replaceChildren(navList);
    nav.hidden = true;
    return;
  }
  replaceChildren(account,
    h("span", { class: "nhsuk-body-s nhsuk-u-margin-bottom-0", "data-testid": "signed-in-as" },
      `Signed in as ${session.displayName} (${roleNames[session.role] ?? "unknown role"})`),
    button("Sign out", { variant: "reverse", small: true, onClick: () => {
      signOut();
      window.location.hash = "/";
      window.location.reload();
    } }));
  replaceChildren(navList,
    h("li", {}, h("a", { href: "#/" }, "Home")),
    menuFor(session).map((r) => h("li", {}, h("a", { href: `#${r.path}` }, r.nav!))));
  nav.hidden = false;
  markCurrentMenuItem();
}

function markCurrentMenuItem(): void {
  const path = currentLocation().path;
  let best: HTMLAnchorElement | null = null;
  for (const a of navList.querySelectorAll("a")) {
    a.removeAttribute("aria-current");
    const target = a.getAttribute("href")!.slice(1);
    const prefix = target === "/" ? path === "/" : path === target || path.startsWith(`${target}/`);
    if (prefix && (!best || target.length > best.getAttribute("href")!.length - 1)) best = a;
  }
  best?.setAttribute("aria-current", "page");
}

async function start(): Promise<void> {
  let session = await restoreSession();
  const show = async () => {
    if (!session) {
      drawChrome(null);
      document.title = "Sign in – Bridging";
      replaceChildren(main, signInPage((signedIn) => {
        session = signedIn;
        drawChrome(session);
        void renderPage(main, routes, session);
      }));
      main.querySelector("h1")?.focus();
      return;
    }
    markCurrentMenuItem();
    await renderPage(main, routes, session, takeFlash());
  };
  window.addEventListener("hashchange", () => void show());
  drawChrome(session);
  await show();
}

void start();
