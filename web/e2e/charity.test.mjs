// The charity's main journey in the browser against the running suite: add a participant,
// record her consent, add a contribution and approve a quote, withdraw research use in one
// step and check the receipt, verify her history, open her data-use report, reviews due, the
// contributions overview, and take her contribution back. Each run uses a new participant, so it can run again and again.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, signIn, visit, checkPage } from "./lib/harness.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const banner = (page, text) => page.getByRole("alert").filter({ hasText: text }).waitFor();

async function recordConsent(page, purpose, method) {
  const form = page.getByRole("region", { name: "Record consent" });
  await form.getByLabel(purpose, { exact: true }).check();
  await form.getByLabel(method, { exact: true }).check();
  await form.getByLabel("Your role").fill("support worker");
  await form.getByRole("button", { name: "Record consent" }).click();
  await banner(page, "Recorded:");
}

function consentRow(page, purpose) {
  return page.getByRole("table", { name: "Her consent" }).getByRole("row").filter({ hasText: purpose });
}

test("charity: participants, consent, contributions, withdrawal receipt, history, report, reviews", async () => {
  const page = await signIn(browser, "charity");
  const reference = `E2E-${Date.now()}`;

  await visit(page, "/charity/participants", "Participants");
  await page.getByRole("link", { name: "SF-003", exact: true }).waitFor();
  await checkPage(page, "charity-01-participants");

  // Adding a participant: the form says what is missing, then adds her.
  await page.getByRole("button", { name: "Add a participant" }).click();
  await page.getByRole("heading", { level: 1, name: "Add a participant" }).waitFor();
  await page.getByRole("button", { name: "Add participant" }).click();
  await page.getByRole("link", { name: "Enter the charity reference" }).waitFor();
  await checkPage(page, "charity-02-add-participant-error");
  await page.getByLabel("Charity reference").fill(reference);
  await page.getByLabel("Chosen name (optional)").fill("Tester");
  await page.getByRole("button", { name: "Add participant" }).click();
  await page.getByRole("heading", { level: 1, name: reference }).waitFor();
  await banner(page, `${reference} has been added`);
  const participantPath = new URL(page.url()).hash.slice(1);
  assert.match(participantPath, /^\/charity\/participants\/[a-z0-9]+$/);
  assert.equal(await page.title(), `${reference} – Bridging`);
  await checkPage(page, "charity-03-new-participant");

  // Her consent: research use, the group and being quoted.
  await recordConsent(page, "Her notes and interviews used in research", "Written");
  await recordConsent(page, "Taking part in the group", "Spoken");
  await recordConsent(page, "Being quoted anonymously", "Digital");
  for (const purpose of ["Her notes and interviews used in research", "Taking part in the group", "Being quoted anonymously"]) {
    await consentRow(page, purpose).getByText("Agreed", { exact: true }).waitFor();
  }
  await consentRow(page, "Being contacted by the charity").getByText("Not agreed", { exact: true }).waitFor();
  await checkPage(page, "charity-04-consent-recorded");

  // A contribution, then a quote she approved.
  const pages = page.getByRole("navigation", { name: `Pages about ${reference}` });
  await pages.getByRole("link", { name: "Contributions" }).click();
  await page.getByRole("heading", { level: 1, name: "Contributions" }).waitFor();
  await page.getByText("She has not shared any contributions yet.").waitFor();
  await page.getByLabel("Reflective note", { exact: true }).check();
  await page.getByLabel("What she shared").fill(`Being asked where I wanted to sit made the waiting room feel safer. (${reference})`);
  await page.getByLabel("Safety", { exact: true }).check();
  await page.getByRole("button", { name: "Add contribution" }).click();
  await banner(page, "The contribution has been added");
  await page.getByRole("cell", { name: "Safety" }).waitFor();
  await checkPage(page, "charity-05-contributions");

  await page.getByRole("link", { name: /^Reflective note/ }).click();
  await page.getByRole("heading", { level: 1, name: "Reflective note" }).waitFor();
  await checkPage(page, "charity-06-contribution");
  await page.getByLabel("The wording she agreed to").fill("Being asked where I wanted to sit made the waiting room feel safer.");
  await page.getByLabel(/She has read or heard this exact wording/).check();
  await page.getByRole("button", { name: "Approve this quote" }).click();
  await banner(page, "The quote has been approved");
  await page.getByRole("heading", { level: 2, name: "Approved quote", exact: true }).waitFor();
  await checkPage(page, "charity-07-quote-approved");

  // Withdrawing research use: one form, one button, then the receipt.
  await visit(page, participantPath, reference);
  const withdraw = page.getByRole("region", { name: "Withdraw consent" });
  await withdraw.getByLabel("Her notes and interviews used in research", { exact: true }).check();
  await withdraw.getByRole("button", { name: "Withdraw consent" }).click();
  await page.getByRole("heading", { level: 1, name: "Withdrawal receipt" }).waitFor();
  await page.getByRole("heading", { level: 2, name: "Consent withdrawn" }).waitFor();
  const receipt = await page.locator("main").innerText();
  assert.match(receipt, /Receipt number\s+[a-z0-9]{12}/);
  assert.match(receipt, /Withdrawn\s+Research use of her notes and interviews/);
  assert.match(receipt, /Contributions erased\s+No/);
  assert.match(receipt, /Research service\s+(Applied|Not confirmed yet)/);
  assert.match(receipt, /Fingerprint\s+[0-9a-f]{64}/);
  assert.match(receipt, /What happens next/);
  await page.getByRole("button", { name: "Print this receipt" }).waitFor();
  await checkPage(page, "charity-08-withdrawal-receipt");

  await page.getByRole("link", { name: `Back to ${reference}` }).first().click();
  await page.getByRole("heading", { level: 1, name: reference }).waitFor();
  await consentRow(page, "Her notes and interviews used in research").getByText("Withdrawn", { exact: true }).waitFor();
  await consentRow(page, "Taking part in the group").getByText("Agreed", { exact: true }).waitFor();
  await checkPage(page, "charity-09-after-withdrawal");

  // Her history, checked for tampering.
  await pages.getByRole("link", { name: "Consent history" }).click();
  await page.getByRole("heading", { level: 1, name: "Consent history" }).waitFor();
  await page.getByRole("cell", { name: /^Withdrew research use of her notes and interviews/ }).waitFor();
  await page.getByRole("button", { name: "Check the history has not been altered" }).click();
  await page.getByText("The history has not been altered.").waitFor();
  assert.match(await page.getByRole("status").innerText(), /All 5 entries were checked/);
  await checkPage(page, "charity-10-history-verified");

  // Her receipts, and the report she can be given.
  await pages.getByRole("link", { name: "Withdrawal receipts" }).click();
  await page.getByRole("heading", { level: 1, name: "Withdrawal receipts" }).waitFor();
  await page.getByRole("link", { name: /^View receipt/ }).waitFor();
  await checkPage(page, "charity-11-receipts");

  await pages.getByRole("link", { name: "Data-use report" }).click();
  await page.getByRole("heading", { level: 1, name: "How your information has been used" }).waitFor();
  await page.getByRole("heading", { level: 2, name: "When you changed your mind" }).waitFor();
  await page.getByText(/You withdrew this on/).first().waitFor();
  await page.getByRole("button", { name: "Print this report" }).waitFor();
  await checkPage(page, "charity-12-report");

  // Reviews due: the next 30 days, then far enough ahead to include her.
  await visit(page, "/charity/reviews", "Reviews due");
  await checkPage(page, "charity-13-reviews");
  const nextYear = new Date();
  nextYear.setFullYear(nextYear.getFullYear() + 1);
  await page.getByLabel("Show consents to check before").fill(nextYear.toISOString().slice(0, 10));
  await page.getByRole("button", { name: "Show" }).click();
  await page.getByRole("link", { name: reference, exact: true }).first().waitFor();
  const herRows = page.getByRole("row").filter({ has: page.getByRole("link", { name: reference, exact: true }) });
  assert.equal(await herRows.count(), 2, "group and quotation are due for review; research use was withdrawn");
  await checkPage(page, "charity-14-reviews-next-year");

  // The contributions overview.
  await visit(page, "/charity/contributions", "Contributions");
  await page.getByRole("link", { name: /^SF-003\s+contributions$/ }).waitFor();
  await checkPage(page, "charity-15-contributions-overview");

  // Her note, held back since she withdrew research use, taken back altogether.
  await visit(page, `${participantPath}/contributions`, "Contributions");
  await page.getByText("Held back", { exact: true }).waitFor();
  await page.getByRole("link", { name: /^Reflective note/ }).click();
  await page.getByRole("heading", { level: 1, name: "Reflective note" }).waitFor();
  await page.getByRole("button", { name: "Retract this contribution" }).click();
  await banner(page, "The contribution has been retracted");
  await page.getByText("Taken back", { exact: true }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Retract this contribution" }).count(), 0);
  await checkPage(page, "charity-16-contribution-retracted");
});
