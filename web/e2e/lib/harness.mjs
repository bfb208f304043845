// Shared by the end-to-end tests: starts Debian's Chromium with playwright-core, signs in
// as a demo organisation, and checks each page with axe-core (WCAG 2.2 AA) and a screenshot.
//
// Environment (set by e2e/run.sh):
//   BRIDGING_WEB_URL     the gateway's address serving the UI, e.g. https://127.0.0.1:8100
//   BRIDGING_E2E_CERT_SPKI  base64 SHA-256 of the gateway's public key, which Chromium then
//                        accepts though the suite's CA is not one it trusts
//   BRIDGING_STATE_DIR   the running suite's state folder (demo keys under secrets/)
//   BRIDGING_E2E_ARTIFACTS  where screenshots go (default web/e2e-artifacts)
//   CHROMIUM             the browser (default /usr/bin/chromium)
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const web = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);

export const baseUrl = process.env.BRIDGING_WEB_URL ?? "http://127.0.0.1:8100";
const stateDir = process.env.BRIDGING_STATE_DIR ?? join(web, "..", ".state");
export const artifacts = process.env.BRIDGING_E2E_ARTIFACTS ?? join(web, "e2e-artifacts");
mkdirSync(artifacts, { recursive: true });

// The demo organisations run-local.sh creates, by role.
const demoKeys = {
  charity: "demo-charities-sunflower.key",
  practice: "demo-practices-riverside.key",
  practice2: "demo-practices-hillview.key",
  researcher: "demo-researchers-demo-team.key",
  admin: "admin.key",
};

export function demoKey(who) {
  return readFileSync(join(stateDir, "secrets", demoKeys[who]), "utf8").trim();
}

// Chromium as root in a closed network: no sandbox, and none of its background traffic.
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ...(process.env.BRIDGING_E2E_CERT_SPKI
        ? [`--ignore-certificate-errors-spki-list=${process.env.BRIDGING_E2E_CERT_SPKI}`]
        : []),
    ],
  });
}

// A new browser context (its own sessionStorage) on the sign-in page. Uncaught page errors
// and Content-Security-Policy violations fail the test that made them.
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB" });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && /Content.Security.Policy|Refused to/i.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.problems = problems;
  await page.goto(baseUrl + "/");
  await page.getByRole("heading", { level: 1, name: "Sign in to Bridging" }).waitFor();
  return page;
}

// Signs in with a demo organisation's key (or a key given as { key }) and waits for the
// home page.
export async function signIn(browser, who) {
  const page = await newPage(browser);
  await page.getByLabel("API key").fill(typeof who === "string" ? demoKey(who) : who.key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByTestId("signed-in-as").waitFor();
  return page;
}

// Goes to a hash route (e.g. "/charity/participants") and waits for its heading.
export async function visit(page, path, heading) {
  await page.goto(`${baseUrl}/#${path}`);
  await page.getByRole("heading", { level: 1, name: heading }).waitFor();
}

const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const checked = new Set();

// Runs axe-core's WCAG 2.0/2.1/2.2 A and AA rules on the page as it is now, saves a full-page
// screenshot as <name>.png, and fails on any violation (listing each with its elements) or
// on any page error seen so far.
export async function checkPage(page, name) {
  assert.ok(!checked.has(name), `screenshot name ${name} used twice`);
  checked.add(name);
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) {
    // Evaluated through the DevTools protocol, which the page's Content-Security-Policy
    // (no inline scripts) does not apply to; a script tag would be refused.
    await page.evaluate(axeSource);
  }
  const results = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"] },
    resultTypes: ["violations"],
  }));
  const violations = results.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join("\n    ")}`);
  assert.deepEqual(violations, [], `${name}: accessibility violations:\n  ${violations.join("\n  ")}`);
  assert.deepEqual(page.problems, [], `${name}: errors in the page`);
}
