// An operator's day: registers an organisation, issues it a key (shown once), the key signs
// in, the operator revokes it, and it stops working at once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, newPage, signIn, checkPage, visit } from "./lib/harness.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test("an operator registers a practice, issues a key and revokes it", async () => {
  const page = await signIn(browser, "admin");
  await visit(page, "/admin/organisations", "Organisations");
  await page.getByRole("link", { name: "Riverside Medical Practice" }).or(page.getByRole("cell", { name: /practices\/riverside/ })).first().waitFor();
  await checkPage(page, "admin-01-organisations");

  // A bad short name is explained next to the field, and nothing is registered.
  await page.getByLabel("GP practice").check();
  await page.getByLabel("Short name").fill("Not OK");
  await page.getByLabel("Full name").fill("End To End Surgery");
  await page.getByRole("button", { name: "Register organisation" }).click();
  await page.getByRole("link", { name: /Enter a short name/ }).waitFor();
  await checkPage(page, "admin-02-register-invalid");

  const id = `e2e-${Date.now()}`;
  await page.getByLabel("Short name").fill(id);
  await page.getByRole("button", { name: "Register organisation" }).click();
  await page.getByRole("heading", { level: 1, name: /End To End Surgery/ }).waitFor();
  await page.getByText("is registered").waitFor();
  await page.getByText("This organisation has no keys yet.").waitFor();
  await checkPage(page, "admin-03-organisation");

  await page.getByLabel("What the key is for (optional)").fill("reception computer");
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = (await page.getByTestId("new-key-secret").textContent()).trim();
  assert.match(secret, /^[A-Za-z0-9]{20,}$/);
  await checkPage(page, "admin-04-key-created");

  // The new key works: it signs in as the new practice.
  const practice = await signIn(browser, { key: secret });
  await practice.getByRole("heading", { level: 1, name: /End To End Surgery/ }).waitFor();

  // Revoked, it stops working at once (after the gateway's 1 s credential cache).
  await page.reload();
  await page.getByRole("button", { name: /^Revoke key/ }).click();
  await page.getByText("is revoked").waitFor();
  await page.getByRole("cell", { name: "Revoked" }).waitFor();
  await checkPage(page, "admin-05-key-revoked");
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const refused = await newPage(browser);
  await refused.getByLabel("API key").fill(secret);
  await refused.getByRole("button", { name: "Sign in" }).click();
  await refused.getByText("The key was not accepted").first().waitFor();
  for (const p of [page, practice, refused]) await p.context().close();
});
