// Signing in and out: a wrong key is explained, each role lands on its own home page and
// menu (and nothing of the others'), a page of another role is refused, signing out forgets
// the key.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, newPage, signIn, checkPage, visit, baseUrl } from "./lib/harness.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test("the sign-in page explains a key that does not work", async () => {
  const page = await newPage(browser);
  await checkPage(page, "sign-in-01-page");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("link", { name: "Enter your API key" }).waitFor();
  await checkPage(page, "sign-in-02-empty");
  await page.getByLabel("API key").fill("bk_notarealkey0000000000000000000");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("The key was not accepted").first().waitFor();
  assert.equal(await page.getByLabel("API key").inputValue(), "bk_notarealkey0000000000000000000");
  await checkPage(page, "sign-in-03-refused");
  await page.context().close();
});

const menus = {
  charity: { home: "Sunflower", shows: ["Participants"], hides: ["Action plans", "Build a query"] },
  practice: { home: "Riverside", shows: ["Action plans"], hides: ["Participants", "Build a query"] },
  researcher: { home: "Demo", shows: ["Build a query"], hides: ["Participants", "Action plans"] },
};

for (const [who, menu] of Object.entries(menus)) {
  test(`${who}: home page and a menu of only what the role may do`, async () => {
    const page = await signIn(browser, who);
    await page.getByRole("heading", { level: 1, name: new RegExp(menu.home) }).waitFor();
    const nav = page.getByRole("navigation", { name: "Main menu" });
    for (const item of menu.shows) await nav.getByRole("link", { name: item }).waitFor();
    for (const item of menu.hides) assert.equal(await nav.getByRole("link", { name: item }).count(), 0, `${who} sees ${item}`);
    await checkPage(page, `sign-in-10-${who}-home`);

    await visit(page, "/activity", "Recent activity");
    await page.getByRole("table").waitFor();
    await checkPage(page, `sign-in-11-${who}-activity`);

    // Another role's page is refused in words, not shown empty.
    const other = who === "charity" ? "/research/query" : "/charity/participants";
    await page.goto(`${baseUrl}/#${other}`);
    await page.getByRole("heading", { level: 1, name: "This page is not available to your organisation" }).waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { level: 1, name: "Sign in to Bridging" }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await page.context().close();
  });
}
