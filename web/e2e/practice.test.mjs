// The practice's journey through its action plans: the demo plan's summary and board (by
// status and by principle), then a new plan of its own: adding an action, moving it on, a
// progress note, a change that crosses someone else's (the stale-etag conflict), sharing with
// the charity, the charity reading it without edit controls, and stopping the sharing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, signIn, checkPage, visit, baseUrl } from "./lib/harness.mjs";
import { call } from "./lib/api.mjs";

const stamp = Date.now().toString(36);
const planTitle = `E2E plan ${stamp}`;
const actionTitle = `E2E: ask how each person prefers to be contacted ${stamp}`;
const demoPlan = "Trauma-informed access and care";

let browser;
let practicePage;
// practices/riverside/plans/{plan} of the plan this test starts.
let planPath;

before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// A Connect/JSON call as the practice, from Node: "someone else" at the same practice.
const callAsPractice = (method, body) => call("practice", `bridging.actions.v1.ActionPlanService/${method}`, body);

function column(page, name) {
  return page.getByRole("region", { name: new RegExp(`^${name} \\(`) });
}

function dateInDays(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return d.toISOString().slice(0, 10);
}

test("practice: the demo plan's summary, and its board by status and by principle", async () => {
  const page = practicePage = await signIn(browser, "practice");
  await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Action plans" }).click();
  await page.getByRole("heading", { level: 1, name: "Action plans" }).waitFor();
  await page.getByRole("link", { name: demoPlan }).first().waitFor();
  await checkPage(page, "practice-01-plans");

  await page.getByRole("link", { name: demoPlan }).first().click();
  await page.getByRole("heading", { level: 1, name: demoPlan }).waitFor();
  // The blocked action whose target date has passed is listed as overdue, with a link.
  const summary = page.getByRole("region", { name: "Summary" });
  await summary.getByRole("link", { name: "A quiet waiting space on request" }).waitFor();
  await summary.getByText("was due on").first().waitFor();
  await column(page, "Held up").getByText("Overdue").first().waitFor();
  await column(page, "Done").getByRole("link", { name: "Register patients without proof of address" }).waitFor();
  await checkPage(page, "practice-02-plan-by-status");

  await page.getByRole("link", { name: "by principle" }).click();
  await column(page, "Peer support").getByRole("link", { name: "Peer supporter at the Tuesday drop-in" }).waitFor();
  await page.getByText("People with lived experience support each other").waitFor();
  assert.match(page.url(), /view=principle/);
  // The arrangement is kept in the address, so it survives a reload.
  await page.reload();
  await column(page, "Safety").getByRole("link", { name: "A quiet waiting space on request" }).waitFor();
  assert.equal(await page.getByRole("link", { name: "by principle" }).getAttribute("aria-current"), "true");
  await checkPage(page, "practice-03-plan-by-principle");
});

test("practice: starts a plan, adds an action and moves it on", async () => {
  const page = practicePage;
  await visit(page, "/practice/plans", "Action plans");
  await page.getByRole("button", { name: "Start a new plan" }).click();
  await page.getByRole("heading", { level: 1, name: "Start a new plan" }).waitFor();
  await page.getByRole("button", { name: "Start the plan" }).click();
  await page.getByRole("link", { name: "Enter a title for the plan" }).waitFor();
  await checkPage(page, "practice-04-new-plan-error");
  await page.getByLabel("Title").fill(planTitle);
  await page.getByRole("button", { name: "Start the plan" }).click();
  await page.getByRole("heading", { level: 1, name: planTitle }).waitFor();
  await page.getByText("There are no actions in this plan yet.").waitFor();
  planPath = new URL(page.url()).hash.slice(1);
  await checkPage(page, "practice-05-new-plan-empty");

  await page.getByRole("button", { name: "Add an action" }).click();
  await page.getByRole("heading", { level: 1, name: "Add an action" }).waitFor();
  await page.getByRole("button", { name: "Add the action" }).click();
  await page.getByRole("link", { name: "Choose the principle the action supports" }).waitFor();
  await checkPage(page, "practice-06-new-action-errors");
  await page.getByLabel("Title").fill(actionTitle);
  await page.getByLabel("Description (optional)").fill("Some people cannot safely receive letters at home.");
  await page.getByRole("radio", { name: "Empowerment, voice and choice" }).check();
  await page.getByLabel("Which part of the practice does it change?").selectOption({ label: "Communication" });
  await page.getByLabel("Who owns it").fill("practice manager");
  await page.getByLabel("Target date").fill(dateInDays(40));
  await page.getByRole("radio", { name: "Patient feedback" }).check();
  await page.getByLabel("Your role (optional)").fill("practice manager");
  await page.getByRole("button", { name: "Add the action" }).click();
  await page.getByRole("heading", { level: 1, name: planTitle }).waitFor();
  await page.getByText(`“${actionTitle}” was added to the plan.`).waitFor();
  await column(page, "Planned").getByRole("link", { name: actionTitle }).waitFor();
  await checkPage(page, "practice-07-action-added");

  await column(page, "Planned").getByRole("link", { name: actionTitle }).click();
  await page.getByRole("heading", { level: 1, name: actionTitle }).waitFor();
  await page.getByRole("button", { name: "Change this action" }).click();
  await page.getByRole("heading", { level: 1, name: `Change “${actionTitle}”` }).waitFor();
  await checkPage(page, "practice-08-edit-form");
  await page.getByRole("radio", { name: "In progress" }).check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByText("Your changes were saved.").waitFor();
  await page.getByRole("link", { name: "Back to the plan" }).click();
  await page.getByRole("heading", { level: 1, name: planTitle }).waitFor();
  await column(page, "In progress").getByRole("link", { name: actionTitle }).waitFor();
  assert.equal(await column(page, "Planned").getByRole("link", { name: actionTitle }).count(), 0);
  await checkPage(page, "practice-09-action-moved");
});

test("practice: a progress note and the history", async () => {
  const page = practicePage;
  await column(page, "In progress").getByRole("link", { name: actionTitle }).click();
  await page.getByRole("heading", { level: 1, name: actionTitle }).waitFor();
  const note = `Reception now asks at registration (${stamp}).`;
  await page.getByLabel("Add a progress note").fill(note);
  await page.getByLabel("Your role").fill("reception lead");
  await page.getByRole("button", { name: "Add the note" }).click();
  await page.getByText("Your progress note was added.").waitFor();
  await page.getByText(note).waitFor();
  const history = page.getByRole("table", { name: "Every change to this action, oldest first" });
  await history.getByText("Added to the plan as “Planned”").waitFor();
  await history.getByText("Status changed from “Planned” to “In progress”").waitFor();
  await history.getByText("Added a progress note").waitFor();
  await checkPage(page, "practice-10-action-notes-history");
});

test("practice: someone else saves first; nothing typed is lost and theirs is shown", async () => {
  const page = practicePage;
  await page.getByRole("button", { name: "Change this action" }).click();
  await page.getByRole("heading", { level: 1, name: `Change “${actionTitle}”` }).waitFor();
  await page.getByLabel("Who owns it").fill("reception lead");
  await page.getByLabel("Description (optional)").fill("Typed while someone else was saving.");

  // Meanwhile a colleague marks it as held up.
  // The address is #/practice/plans/{plan}/actions/{action}/edit.
  const [, , , plan, , action] = new URL(page.url()).hash.slice(1).split("/");
  const name = `practices/riverside/plans/${plan}/actions/${action}`;
  const current = await callAsPractice("GetAction", { name });
  await callAsPractice("UpdateAction", {
    action: { name, status: "ACTION_STATUS_BLOCKED" }, updateMask: "status", etag: current.etag,
    requestId: `e2e-colleague-${stamp}`, actorRole: "deputy practice manager",
  });

  await page.getByRole("button", { name: "Save changes" }).click();
  const conflict = page.getByRole("heading", { name: "Someone else changed this action while you were editing it" });
  await conflict.waitFor();
  const differences = page.getByRole("table", { name: "What is different" });
  await differences.getByRole("row", { name: /Status.*Held up.*changed by them.*theirs will stay/ }).waitFor();
  await differences.getByRole("row", { name: /Owner.*practice manager.*reception lead.*changed by you/ }).waitFor();
  assert.equal(await page.getByLabel("Who owns it").inputValue(), "reception lead");
  assert.equal(await page.getByLabel("Description (optional)").inputValue(), "Typed while someone else was saving.");
  await checkPage(page, "practice-11-edit-conflict");

  await page.getByRole("button", { name: "Save my changes over theirs" }).click();
  await page.getByText("Your changes were saved over the other person's.").waitFor();
  await page.getByRole("heading", { level: 1, name: actionTitle }).waitFor();
  // Theirs (the status) is kept; mine (owner, description) replaced theirs.
  const details = page.locator(".nhsuk-summary-list");
  await details.getByText("Held up").waitFor();
  await details.getByText("reception lead").waitFor();
  await details.getByText("Typed while someone else was saving.").waitFor();
  await page.getByRole("table", { name: "Every change to this action, oldest first" }).getByRole("row", { name: /deputy practice manager.*Held up/ }).waitFor();
  await checkPage(page, "practice-12-conflict-saved");
});

test("practice shares the plan; the charity reads it without edit controls; sharing stops", async () => {
  const page = practicePage;
  await page.goto(`${baseUrl}/#${planPath}`);
  await page.getByRole("heading", { level: 1, name: planTitle }).waitFor();
  const sharing = page.getByRole("region", { name: "Sharing with the charity" });
  await sharing.getByText("This plan is not shared with anyone.").waitFor();
  await sharing.getByLabel("The charity's Bridging code").fill("sunflower");
  await sharing.getByRole("button", { name: "Share this plan" }).click();
  await page.getByText("This plan is now shared with sunflower.").waitFor();
  await sharing.getByRole("button", { name: "Stop sharing with sunflower" }).waitFor();
  await checkPage(page, "practice-13-plan-shared");

  const charity = await signIn(browser, "charity");
  await charity.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Shared plans" }).click();
  await charity.getByRole("heading", { level: 1, name: "Shared plans" }).waitFor();
  await checkPage(charity, "practice-14-charity-find-practice");
  await charity.getByLabel("The practice's Bridging code").fill("riverside");
  await charity.getByRole("button", { name: "Show shared plans" }).click();
  await charity.getByRole("link", { name: planTitle }).waitFor();
  // The demo data shares Riverside's own plan too.
  await charity.getByRole("link", { name: demoPlan }).waitFor();
  await checkPage(charity, "practice-15-charity-shared-plans");
  await charity.getByRole("link", { name: planTitle }).click();
  await charity.getByRole("heading", { level: 1, name: planTitle }).waitFor();
  await charity.getByText("This plan is shared with you to read.").waitFor();
  await column(charity, "Held up").getByRole("link", { name: actionTitle }).waitFor();
  for (const control of ["Add an action", "Share this plan"]) {
    assert.equal(await charity.getByRole("button", { name: control }).count(), 0, `charity sees ${control}`);
  }
  await checkPage(charity, "practice-16-charity-plan");
  await column(charity, "Held up").getByRole("link", { name: actionTitle }).click();
  await charity.getByRole("heading", { level: 1, name: actionTitle }).waitFor();
  await charity.getByText(`Reception now asks at registration (${stamp}).`).waitFor();
  assert.equal(await charity.getByRole("button", { name: "Change this action" }).count(), 0);
  assert.equal(await charity.getByRole("button", { name: "Add the note" }).count(), 0);
  await checkPage(charity, "practice-17-charity-action");

  await page.getByRole("region", { name: "Sharing with the charity" }).getByRole("button", { name: "Stop sharing with sunflower" }).click();
  await page.getByText("You stopped sharing this plan with sunflower.").waitFor();
  await page.getByText("This plan is not shared with anyone.").waitFor();
  await charity.reload();
  await charity.getByRole("heading", { level: 1, name: "This plan is not shared with you" }).waitFor();
  await checkPage(charity, "practice-18-charity-no-longer-shared");
  await charity.context().close();
  await page.context().close();
});
